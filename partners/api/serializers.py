"""Partners, introduction requests and partner fits as REST clients read and write them."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Company
from matching import messages
from partners.models import ForeignPartnership, Introduction, Partner, PartnerFit
from partners.selectors import introduction_steps
from partners.services import MESSAGE_MAX_LENGTH
from portal.api.strict import CallerReadOnlyMixin, StrictFieldsMixin
from programmes.models import Opportunity


class PartnerAreaSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="technology_area.slug")
    weight = serializers.FloatField()


class PartnerSourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    accessed_on = serializers.DateField()
    confidence = serializers.CharField()


class ForeignPartnershipSerializer(serializers.ModelSerializer):
    country = CountryField()

    class Meta:
        model = ForeignPartnership
        fields = ["counterpart", "country", "summary", "source_url", "confidence"]


class PartnerBriefSerializer(serializers.Serializer):
    """The fields a partner fit or an introduction row names its partner by."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    name_ja = serializers.CharField()
    name_kana = serializers.CharField(help_text="The Japanese name's reading in hiragana, to sort Japanese lists by.")
    role = serializers.CharField()


class PartnerSerializer(serializers.ModelSerializer):
    """A Japanese partner as listed: names, role, size, city, areas and the public contact page."""

    areas = PartnerAreaSerializer(source="area_links", many=True, read_only=True)

    class Meta:
        model = Partner
        fields = [
            *("slug", "name", "name_ja", "name_kana", "role", "size", "city", "city_ja", "capabilities"),
            *("capabilities_ja", "areas"),
            *("contact_url", "confidence", "last_verified_on"),
        ]


class PartnerDetailSerializer(PartnerSerializer):
    """A partner with its sources, known programmes and foreign partnerships."""

    programmes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    sources = PartnerSourceSerializer(many=True, read_only=True)
    foreign_partnerships = ForeignPartnershipSerializer(many=True, read_only=True)

    class Meta(PartnerSerializer.Meta):
        fields = [*PartnerSerializer.Meta.fields, "programmes", "sources", "foreign_partnerships"]


class IntroductionStepSerializer(serializers.Serializer):
    """One step of a request's status history, as the firm's page lists it."""

    status = serializers.ChoiceField(choices=Introduction.Status.choices)
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField(help_text="What the firm was told with this step, if anything.")


class IntroductionListSerializer(serializers.ListSerializer):
    """A page of requests, with every request's status history read in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        introductions = list(data.all() if isinstance(data, QuerySet) else data)
        steps = introduction_steps(introductions)
        for introduction in introductions:
            introduction.status_steps = steps[introduction.pk]
        return super().to_representation(introductions)


class IntroductionSerializer(serializers.ModelSerializer):
    """An introduction request as the firm and consultants see it (consultants' notes are shown to them only)."""

    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    partner = PartnerBriefSerializer(read_only=True)
    opportunity = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    status_history = serializers.SerializerMethodField(
        help_text="Each change of status (or of the reason the firm is given), oldest first, as /my/introductions/ "
        "shows it."
    )

    class Meta:
        model = Introduction
        fields = [
            *("id", "company", "partner", "opportunity", "message", "status", "reason", "created_at", "updated_at"),
            "status_history",
        ]
        list_serializer_class = IntroductionListSerializer

    @extend_schema_field(IntroductionStepSerializer(many=True))
    def get_status_history(self, introduction: Introduction) -> list[Any]:
        steps = getattr(introduction, "status_steps", None)
        if steps is None:
            steps = introduction_steps([introduction])[introduction.pk]
        return IntroductionStepSerializer(steps, many=True).data


class IntroductionConsultantSerializer(IntroductionSerializer):
    class Meta(IntroductionSerializer.Meta):
        fields = [*IntroductionSerializer.Meta.fields, "notes"]


class IntroductionRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    """POST body: which firm asks, for which partner and (optionally) which opportunity, and why."""

    company = serializers.SlugField()
    partner = serializers.SlugField()
    opportunity = serializers.SlugField(required=False, allow_blank=True, allow_null=True)
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)

    def validate_company(self, value: str) -> Company:
        user = self.context["request"].user
        company = Company.objects.member_of(user).filter(slug=value).first()
        if company is None:
            raise serializers.ValidationError(_("You do not belong to a firm with this slug."))
        return company

    def validate_partner(self, value: str) -> Partner:
        partner = Partner.objects.filter(slug=value).first()
        if partner is None:
            raise serializers.ValidationError(_("No partner with this slug."))
        return partner

    def validate_opportunity(self, value: str | None) -> Opportunity | None:
        if not value:
            return None
        opportunity = Opportunity.objects.published().filter(slug=value).first()
        if opportunity is None:
            raise serializers.ValidationError(_("No published opportunity with this slug."))
        return opportunity


# What the firm asked, as it asked it: a consultant works the request, never rewrites it.
ASKED_MESSAGE = gettext_lazy(
    "This is the firm's own message and stays as it was sent: write to the firm in “reason”, or keep your own "
    "words in “notes”."
)
ASKED_FOR = gettext_lazy("A request keeps the firm, partner and opportunity it was made for.")


class IntroductionMoveSerializer(CallerReadOnlyMixin, StrictFieldsMixin, serializers.Serializer):
    """PATCH body (consultants): the new status, the reason the firm will read, and internal notes; each optional
    (without a status the request stays where it is). The answer's other fields may come back in a GET-then-PATCH;
    a changed value of what the firm asked (message, company, partner, opportunity) is a 400 naming it."""

    echoed_fields = tuple(IntroductionConsultantSerializer.Meta.fields)

    status = serializers.ChoiceField(choices=Introduction.Status.choices, required=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def read_only_for_caller(self) -> dict[str, str | Promise]:
        return {"message": ASKED_MESSAGE, **dict.fromkeys(("company", "partner", "opportunity"), ASKED_FOR)}

    def answer_fields(self) -> Mapping[str, serializers.Field]:
        return IntroductionConsultantSerializer().fields

    def unchanged(self, name: str, value: Any) -> bool:
        # The partner as the POST named it (its slug) is the same partner as the answer's object.
        return (name == "partner" and value == self.instance.partner.slug) or super().unchanged(name, value)


class PartnerFitSerializer(serializers.ModelSerializer):
    """A firm's fit with one partner: score, components, and reasons and gaps with their text."""

    partner = PartnerBriefSerializer(read_only=True)
    reasons_detail = serializers.SerializerMethodField()
    gaps_detail = serializers.SerializerMethodField()

    class Meta:
        model = PartnerFit
        fields = ["partner", "score", "components", "reasons_detail", "gaps_detail"]

    def get_reasons_detail(self, fit: PartnerFit) -> list[dict]:
        return messages.detail(fit.reasons, self.context["names"])

    def get_gaps_detail(self, fit: PartnerFit) -> list[dict]:
        return messages.detail(fit.gaps, self.context["names"])
