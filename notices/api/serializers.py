"""Notices as the API shows them."""

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from notices.models import Notice, NoticeSource
from portal.api.language import LocalisedTextSerializer


class NoticeSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeSource
        fields = ["url", "title", "publisher", "accessed_on", "confidence"]


class NoticeSerializer(serializers.ModelSerializer):
    """A dated rule or policy change, the records, countries and areas it affects, and its sources."""

    records = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    technology_areas = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.ListField(child=CountryField(), read_only=True)
    sources = NoticeSourceSerializer(many=True, read_only=True)
    localised = LocalisedTextSerializer(
        source="*", read_only=True, help_text="Title and summary in the language asked for (?lang=, Accept-Language)."
    )

    class Meta:
        model = Notice
        fields = [
            "slug", "title", "title_ja", "summary", "summary_ja", "localised", "dated_on", "due_by", "confidence",
            "records", "countries", "technology_areas", "sources",
        ]  # fmt: skip
