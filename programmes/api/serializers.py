"""Curated records as REST clients read them."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from portal.api.fields import IriField, RelatedSlugsField
from portal.api.language import LocalisedTextSerializer
from portal.text import localised_field
from programmes.models import Certification, Confidence, Opportunity, Organisation, TechnologyArea

# The reading of a Japanese name, as partners give it (partners/api/serializers.py): clients sort Japanese lists by it.
NAME_KANA_HELP = "The Japanese name's reading in hiragana, to sort Japanese lists by; empty where none is recorded."


class OrganisationSerializer(serializers.ModelSerializer):
    """A ministry, agency or trade body."""

    country = CountryField()
    url = IriField(read_only=True)
    name_kana = serializers.CharField(read_only=True, help_text=NAME_KANA_HELP)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_ja", "name_kana", "acronym", "country", "url", "description"]


# The nested read-only blocks below are plain Serializers: a ModelSerializer rebuilds its fields from the model on
# every request, which cost about a tenth of an opportunity listing's time (bench/api.sh).
class OrganisationBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    acronym = serializers.CharField()


class TechnologyAreaSerializer(serializers.ModelSerializer):
    """One of the fixed technology areas, with the keywords the scorer reads."""

    name_kana = serializers.CharField(read_only=True, help_text=NAME_KANA_HELP)
    keywords = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = TechnologyArea
        fields = ["slug", "name", "name_ja", "name_kana", "description", "keywords"]


class CertificationSerializer(serializers.ModelSerializer):
    """A certification, with the codes of those that count as equivalent to it."""

    equivalents = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    url = IriField(read_only=True)
    name_ja = serializers.CharField(read_only=True)
    name_kana = serializers.CharField(read_only=True, help_text=NAME_KANA_HELP)

    class Meta:
        model = Certification
        fields = ["code", "name", "name_ja", "name_kana", "issuer", "description", "url", "equivalents"]


class OpportunityAreaSerializer(serializers.Serializer):
    """A technology area an opportunity asks for, and how strongly (0-1)."""

    slug = serializers.SlugField(source="technology_area.slug")
    weight = serializers.FloatField()


class SourceSerializer(serializers.Serializer):
    url = IriField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    accessed_on = serializers.DateField(allow_null=True)
    confidence = serializers.ChoiceField(Confidence.choices)


class EligibilitySerializer(serializers.Serializer):
    """Who may take part; empty lists mean any country or any size."""

    countries = serializers.ListField(
        child=serializers.CharField(), source="eligible_countries", help_text="ISO 3166-1 alpha-2 codes."
    )
    sizes = serializers.ListField(child=serializers.ChoiceField(Opportunity.Size.choices), source="eligible_sizes")
    min_trl = serializers.IntegerField(allow_null=True, min_value=1, max_value=9)
    japan_presence = serializers.ChoiceField(Opportunity.Presence.choices)
    certifications = RelatedSlugsField(slug="code", source="required_certifications")
    notes = serializers.CharField(source="eligibility_notes")
    max_company_age = serializers.IntegerField(
        allow_null=True, min_value=1, help_text="Firms founded at most this many years ago; null means no age limit."
    )
    japanese_entity = serializers.BooleanField(
        help_text="True when firms outside Japan qualify only through an office or entity in Japan."
    )


class DatesSerializer(serializers.Serializer):
    """When a call opens and closes, or when and where an event runs."""

    opens_on = serializers.DateField(allow_null=True)
    closes_on = serializers.DateField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    venue = serializers.CharField()
    venue_ja = serializers.CharField(help_text="The venue in Japanese; empty where the record has none yet.")
    expected_from = serializers.DateField(
        allow_null=True, help_text="Start of the expected window while the real dates are not announced."
    )
    expected_until = serializers.DateField(allow_null=True, help_text="End of the expected window.")
    expected_basis = serializers.CharField(help_text="The past editions the expected window is drawn from.")
    expected_basis_ja = serializers.CharField(
        help_text="The expected window's basis in Japanese; empty where the record has none yet."
    )


class OpportunityLocalisedSerializer(LocalisedTextSerializer):
    """A record's title, summary, venue and expected-date basis in the language asked for, each with its language."""

    venue = serializers.CharField()
    venue_lang = serializers.CharField(
        help_text="The venue's language: the one asked for, or en where the record has no Japanese venue yet."
    )
    expected_basis = serializers.CharField()
    expected_basis_lang = serializers.CharField(
        help_text="The basis's language: the one asked for, or en where the record has no Japanese basis yet."
    )

    def to_representation(self, instance):
        out = super().to_representation(instance)
        for field in ("venue", "expected_basis"):
            out[field], out[f"{field}_lang"] = localised_field(instance, field)
        return out


class OpportunitySerializer(serializers.ModelSerializer):
    """A hub, priority area, event, programme or call, with its eligibility, dates and sources."""

    organisations = OrganisationBriefSerializer(many=True, read_only=True)
    technology_areas = OpportunityAreaSerializer(many=True, read_only=True, source="area_links")
    keywords = serializers.ListField(child=serializers.CharField())
    eligibility = EligibilitySerializer(source="*", read_only=True)
    dates = DatesSerializer(source="*", read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    url = IriField(read_only=True)
    expected = serializers.BooleanField(
        read_only=True, help_text="True while only an expected window is known: never a confirmed date."
    )
    localised = OpportunityLocalisedSerializer(
        source="*",
        read_only=True,
        help_text="Title, summary, venue and expected-date basis in the language asked for (?lang=, Accept-Language).",
    )

    class Meta:
        model = Opportunity
        fields = [
            "slug",
            "kind",
            "title",
            "title_ja",
            "summary",
            "summary_ja",
            "localised",
            "description",
            "keywords",
            "organisations",
            "technology_areas",
            "eligibility",
            "dates",
            "expected",
            "url",
            "status",
            "confidence",
            "sources",
            "last_verified_on",
            "updated_at",
        ]
