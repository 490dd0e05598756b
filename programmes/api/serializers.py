"""Curated records as REST clients read them."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from portal.api.fields import IriField
from programmes.models import Certification, Opportunity, OpportunityArea, Organisation, Source, TechnologyArea


class OrganisationSerializer(serializers.ModelSerializer):
    """A ministry, agency or trade body."""

    country = CountryField()
    url = IriField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "name_ja", "acronym", "country", "url", "description"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym"]


class TechnologyAreaSerializer(serializers.ModelSerializer):
    """One of the fixed technology areas, with the keywords the scorer reads."""

    keywords = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = TechnologyArea
        fields = ["slug", "name", "name_ja", "description", "keywords"]


class CertificationSerializer(serializers.ModelSerializer):
    """A certification, with the codes of those that count as equivalent to it."""

    equivalents = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    url = IriField(read_only=True)

    class Meta:
        model = Certification
        fields = ["code", "name", "issuer", "description", "url", "equivalents"]


class OpportunityAreaSerializer(serializers.ModelSerializer):
    """A technology area an opportunity asks for, and how strongly (0-1)."""

    slug = serializers.SlugField(source="technology_area.slug")

    class Meta:
        model = OpportunityArea
        fields = ["slug", "weight"]


class SourceSerializer(serializers.ModelSerializer):
    url = IriField(read_only=True)

    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "accessed_on", "confidence"]


class EligibilitySerializer(serializers.ModelSerializer):
    """Who may take part; empty lists mean any country or any size."""

    countries = serializers.ListField(child=CountryField(), source="eligible_countries")
    sizes = serializers.ListField(child=serializers.ChoiceField(Opportunity.Size.choices), source="eligible_sizes")
    certifications = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, source="required_certifications"
    )
    notes = serializers.CharField(source="eligibility_notes")

    class Meta:
        model = Opportunity
        fields = ["countries", "sizes", "min_trl", "japan_presence", "certifications", "notes"]


class DatesSerializer(serializers.ModelSerializer):
    """When a call opens and closes, or when and where an event runs."""

    class Meta:
        model = Opportunity
        fields = ["opens_on", "closes_on", "starts_on", "ends_on", "venue"]


class OpportunitySerializer(serializers.ModelSerializer):
    """A hub, priority area, event, programme or call, with its eligibility, dates and sources."""

    organisations = OrganisationBriefSerializer(many=True, read_only=True)
    technology_areas = OpportunityAreaSerializer(many=True, read_only=True, source="area_links")
    keywords = serializers.ListField(child=serializers.CharField())
    eligibility = EligibilitySerializer(source="*", read_only=True)
    dates = DatesSerializer(source="*", read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    url = IriField(read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "slug",
            "kind",
            "title",
            "title_ja",
            "summary",
            "description",
            "keywords",
            "organisations",
            "technology_areas",
            "eligibility",
            "dates",
            "url",
            "status",
            "confidence",
            "sources",
            "last_verified_on",
            "updated_at",
        ]
