"""Serializers of the alerts API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from alerts.models import SavedSearch
from alerts.searches import query_check
from portal.api.strict import StrictFieldsMixin


class SavedSearchSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A saved listing query: its name, query string, how often new results are emailed, and when they last were."""

    results_known = serializers.SerializerMethodField(help_text="How many results the baseline holds (never sent).")

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "frequency", "results_known", "created_at", "last_sent_at"]
        read_only_fields = ["id", "results_known", "created_at", "last_sent_at"]
        extra_kwargs = {"query": {"allow_blank": True, "required": True}}
        validators: list = []  # the service checks the query against the listing's FilterSet and names it

    def validate_query(self, value: str) -> str:
        """The service's check of the query, asked with the other fields' checks so that every problem is named in
        one answer (the service asks it again when it saves)."""
        try:
            query_check(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict.get("query", error.messages)) from error
        return value

    def get_results_known(self, search: SavedSearch) -> int:
        return len(search.baseline)
