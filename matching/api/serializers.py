"""Match scores and scoring runs as REST clients read them."""

from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

from companies.models import Company
from matching import hooks
from matching.messages import detail, names_for, render
from matching.models import Match, MatchRun
from portal.api.fields import RelatedSlugsField, RoundedFloatField
from portal.api.strict import StrictFieldsMixin
from programmes.models import Opportunity


class ComponentSerializer(serializers.Serializer):
    """One part of a score: the component's value (0-1), its weight, and the points it contributes."""

    value = serializers.FloatField()
    weight = serializers.FloatField()
    contribution = serializers.FloatField()


# Plain Serializers for the nested blocks: a ModelSerializer rebuilds its fields from the model on every request.
class MatchOpportunitySerializer(serializers.Serializer):
    """The opportunity a match is for, briefly."""

    slug = serializers.SlugField()
    kind = serializers.ChoiceField(Opportunity.Kind.choices)
    title = serializers.CharField()
    title_ja = serializers.CharField(help_text="The title in Japanese; empty where the record has none yet.")
    # Strongest first: the area links' own order.
    technology_areas = RelatedSlugsField(slug="technology_area.slug", source="area_links")


class MatchCompanySerializer(serializers.Serializer):
    """The firm a match is for, briefly."""

    slug = serializers.SlugField()
    name = serializers.CharField()


class ExplanationSerializer(serializers.Serializer):
    """A reason or gap as data: its code, its params (slugs, codes, figures) and its words in the reader's language."""

    code = serializers.CharField(help_text="What the item says, e.g. keywords, trl_below, certifications_missing.")
    params = serializers.DictField(help_text="The facts behind it: area slugs, certification codes, figures.")
    text = serializers.CharField(help_text="The item in words, in the language asked for (Accept-Language, ?lang=).")
    partners = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Partner gaps only: the firm's three best Japanese partners for it (slug, name, name_ja, name_kana, role)."
        ),
    )
    notice = serializers.DictField(
        required=False,
        help_text="Notice gaps (notice, notice_due) only: the notice's slug and url (GET /api/v1/notices/{slug}/).",
    )


class ExplanationTextField(serializers.ListField):
    """Stored explanation items as sentences in the reader's language (v1's `reasons` and `gaps`)."""

    child = serializers.CharField()

    def to_representation(self, data):
        names = names_for(self.context.get("request"))
        return [render(item, names) for item in data or []]


class ExplanationDetailField(serializers.ListField):
    """Stored explanation items as {code, params, text} (`reasons_detail` and `gaps_detail`)."""

    child = ExplanationSerializer()

    def to_representation(self, data):
        return detail(data or [], names_for(self.context.get("request")))


def _partner_gap_pairs(matches) -> set[tuple[int, int]]:
    """(firm, opportunity) of the matches with a "needs a Japanese partner or entity" gap."""
    return {
        (m.company_id, m.opportunity_id)
        for m in matches
        if any(isinstance(g, dict) and g.get("code") in hooks.PARTNER_GAPS for g in m.gaps or [])
    }


class MatchListSerializer(serializers.ListSerializer):
    """A page of matches: the partners for all its partner gaps are read at once (matching.hooks.gap_partners)."""

    def to_representation(self, data):
        matches = list(data.all() if hasattr(data, "all") else data)
        self.child.context["gap_partners"] = hooks.gap_partners(_partner_gap_pairs(matches))
        self.child.context["gap_notices"] = hooks.gap_notices({(m.company_id, m.opportunity_id) for m in matches})
        return super().to_representation(matches)


class MatchSerializer(serializers.ModelSerializer):
    """How well a firm fits an opportunity; the components' contributions add up to the score."""

    company = MatchCompanySerializer(read_only=True)
    opportunity = MatchOpportunitySerializer(read_only=True)
    score = RoundedFloatField(read_only=True)
    components = serializers.DictField(child=ComponentSerializer(), read_only=True)
    reasons = ExplanationTextField(read_only=True)
    gaps = ExplanationTextField(read_only=True, help_text="Each gap says what is missing, then what to do.")
    reasons_detail = ExplanationDetailField(source="reasons", read_only=True)
    gaps_detail = ExplanationDetailField(source="gaps", read_only=True)
    # workspace (#14): annotations of workspace.selectors.with_workspace
    pipeline_stage = serializers.CharField(read_only=True, allow_null=True, default=None)
    dismissed = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Match
        list_serializer_class = MatchListSerializer
        fields = [
            *("company", "opportunity", "score", "components", "reasons", "gaps"),
            *("reasons_detail", "gaps_detail", "eligible", "computed_at"),
            *("pipeline_stage", "dismissed"),
        ]

    def to_representation(self, match):
        """The match, its partner gaps carrying `partners`: the three best Japanese partners for that opportunity."""
        data = super().to_representation(match)
        pair = (match.company_id, match.opportunity_id)
        offered = self.context.get("gap_partners")
        if offered is None:
            offered = hooks.gap_partners(_partner_gap_pairs([match]))
        for item in data["gaps_detail"]:
            if item["code"] in hooks.PARTNER_GAPS:
                item["partners"] = offered.get(pair, [])
        notices = self.context.get("gap_notices")
        if notices is None:
            notices = hooks.gap_notices({pair})
        self._add_notice_gaps(data, notices.get(pair, []))
        return data

    def _add_notice_gaps(self, data: dict, items: list[dict]) -> None:
        """The notices bearing on this match, after its stored gaps: a sentence and {code, params, text, notice}."""
        if not items:
            return
        names = names_for(self.context.get("request"))
        for item in items:
            text = render(item, names)
            data["gaps"].append(text)
            url = item["notice"]["url"]
            request = self.context.get("request")
            link = request.build_absolute_uri(url) if request is not None else url
            notice = {"slug": item["notice"]["slug"], "url": link}
            data["gaps_detail"].append(
                {"code": item["code"], "params": dict(item["params"]), "text": text, "notice": notice}
            )


class MatchRunSerializer(serializers.ModelSerializer):
    """A scoring run: its scope, progress and outcome."""

    company = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    opportunity = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    duration_s = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "scope",
            "company",
            "opportunity",
            "status",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "duration_s",
            "chunks_total",
            "chunks_done",
            "pairs_scored",
            "matches_stored",
            "engine_version",
            "error",
        ]
        read_only_fields = fields


class MatchRunQueueDownSerializer(serializers.Serializer):
    """The 503 answer to a run request while the job queue is down: what happened, and the run kept as pending."""

    detail = serializers.CharField(read_only=True)
    run = MatchRunSerializer(read_only=True)


# Said in the reader's language when a run is refused (each a sentence of its own: the words differ by scope).
SLUG_NEEDED = {
    MatchRun.Scope.COMPANY: lambda: gettext("A company run needs the firm's slug: give “company”."),
    MatchRun.Scope.OPPORTUNITY: lambda: gettext("An opportunity run needs the record's slug: give “opportunity”."),
}
NOTHING_NAMED_WITH_ALL = {
    "company": lambda: gettext("A run over all firms takes no company: leave “company” out, or “scope”."),
    "opportunity": lambda: gettext("A run over all firms takes no opportunity: leave “opportunity” out, or “scope”."),
}


class MatchRunStartSerializer(StrictFieldsMixin, serializers.Serializer):
    """What to rescore: everything, one firm or one opportunity (the scope follows from the slug given)."""

    # A batch run is an import's own: nobody asks for one by hand.
    scope = serializers.ChoiceField(
        choices=[choice for choice in MatchRun.Scope.choices if choice[0] != MatchRun.Scope.BATCH],
        required=False,
        help_text="Give it, or a company or an opportunity slug (the scope follows): an empty body is a 400.",
    )
    company = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Company.objects.all(),
        required=False,
        error_messages={"does_not_exist": gettext_lazy("No firm has the slug “{value}”.")},
    )
    opportunity = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Opportunity.objects.published(),
        required=False,
        error_messages={"does_not_exist": gettext_lazy("No published record has the slug “{value}”.")},
    )

    def validate(self, attrs: dict) -> dict:
        given = [name for name in ("company", "opportunity") if attrs.get(name) is not None]
        if len(given) > 1:
            raise serializers.ValidationError({"opportunity": gettext("Give a company or an opportunity, not both.")})
        if not given and not attrs.get("scope"):
            # A full rescore is the costliest thing the API starts: it is asked for by name, never by an empty body.
            why = gettext(
                'Say what to rescore: {"scope": "all"}, {"company": "<a firm\'s slug>"} or '
                '{"opportunity": "<an opportunity\'s slug>"}.'
            )
            raise serializers.ValidationError({"scope": why})
        scope = attrs.get("scope") or given[0]
        if scope != MatchRun.Scope.ALL and scope not in given:
            raise serializers.ValidationError({scope: SLUG_NEEDED[scope]()})
        if scope == MatchRun.Scope.ALL and given:
            raise serializers.ValidationError({"scope": NOTHING_NAMED_WITH_ALL[given[0]]()})
        return {**attrs, "scope": scope}
