"""Firms as REST clients read and write them; writes go through companies.services."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import (
    DESCRIPTION_MAX,
    EXPORT_NOTES_MAX,
    FOUNDED_MIN,
    Company,
    CompanyCertification,
    description_length_validate,
    founded_year_validate,
)
from companies.rules import CERTIFICATIONS_MAX, RESERVED_MESSAGE, reserved_for
from portal.api.fields import IriField, SlugListField
from portal.api.strict import CallerReadOnlyMixin, StrictFieldsMixin
from programmes.models import Certification, TechnologyArea


class CompanyCertificationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A certification the firm holds, by code, with its expiry where known."""

    code = serializers.SlugRelatedField(slug_field="code", queryset=Certification.objects.all(), source="certification")

    class Meta:
        model = CompanyCertification
        fields = ["code", "expires_on"]

    def validate(self, attrs: dict) -> dict:
        # A PATCH makes nested fields optional too; a certification without its code means nothing.
        if "certification" not in attrs:
            raise serializers.ValidationError({"code": serializers.Field.default_error_messages["required"]})
        return attrs


@extend_schema_field(
    {"type": "integer", "minimum": FOUNDED_MIN, "nullable": True, "description": f"From {FOUNDED_MIN} to this year."}
)
class FoundedYearField(serializers.IntegerField):
    """A founding year, checked by the model's one rule alone (no database range with messages of its own)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_null=True, validators=[founded_year_validate], **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": DESCRIPTION_MAX,
        "description": f"What the firm makes, in its own words: the matcher reads this. At most {DESCRIPTION_MAX:,} "
        "characters.",
    }
)
class DescriptionField(serializers.CharField):
    """A firm's description, checked by the model's one length rule alone (its message names the limit)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validators=[description_length_validate], **kwargs)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": EXPORT_NOTES_MAX,
        "description": f"ITAR, EAR or DSGL items the firm makes or holds, and any licences. At most "
        f"{EXPORT_NOTES_MAX:,} characters.",
    }
)
class ExportNotesField(serializers.CharField):
    """A firm's export-control notes. Their length is judged by companies.services alone (the model's rule, its
    message naming the field and the limit), which lets notes stored before the limit come back unchanged in a PUT."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, **kwargs)


class CompanySerializer(CallerReadOnlyMixin, StrictFieldsMixin, serializers.ModelSerializer):
    """A firm in full: only consultants and the firm's own staff ever see one (Company.objects.visible_to)."""

    country = CountryField()
    technology_areas = SlugListField(queryset=TechnologyArea.objects.all(), required=False)
    certifications = CompanyCertificationSerializer(
        many=True, source="certification_links", required=False, max_length=CERTIFICATIONS_MAX
    )
    website = IriField(max_length=300, required=False, allow_blank=True)
    founded = FoundedYearField()
    description = DescriptionField()
    export_control_notes = ExportNotesField()
    source_url = IriField(max_length=500, required=False, allow_blank=True)

    class Meta:
        model = Company
        fields = [
            "slug",
            "name",
            "country",
            "size",
            "founded",
            "website",
            "description",
            "technology_areas",
            "trl",
            "certifications",
            "japan_presence",
            "export_control_notes",
            "itar_controlled",
            "ear_controlled",
            "dsgl_controlled",
            "contact_email",
            "alert_threshold",
            "source_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"slug": {"required": False, "help_text": "Derived from the name when left out."}}

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in self._reserved():
            fields[name].required = False  # a PUT by an editor need not repeat what it may not change
        return fields

    def read_only_for_caller(self) -> dict[str, str | Promise]:
        # Refused before any field is validated: a slug taken by another firm must not answer "already exists"
        # (finding 9).
        return dict.fromkeys(self._reserved(), RESERVED_MESSAGE)

    def _reserved(self) -> tuple[str, ...]:
        request = self.context.get("request")
        return reserved_for(request.user if request is not None else None)

    def validate_certifications(self, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each certification at most once, as on the firm's page (companies.forms): a repeated code is refused at its
        place, never merged with the one before it (whose expiry would be silently dropped)."""
        seen: set[int] = set()
        twice = {}
        for index, link in enumerate(links):
            certification = link["certification"]
            if certification.pk in seen:
                twice[str(index)] = {"code": [_("%(name)s is listed twice.") % {"name": certification.code}]}
            seen.add(certification.pk)
        if twice:
            raise serializers.ValidationError(twice)
        return links

    def service_data(self) -> dict[str, Any]:
        """validated_data in the shape company_create / company_update take (certifications as {cert: expiry})."""
        data = dict(self.validated_data)
        links = data.pop("certification_links", None)
        if links is not None:
            data["certifications"] = {link["certification"]: link.get("expires_on") for link in links}
        return data
