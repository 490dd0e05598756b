"""Pipeline entries and match feedback as REST clients read and write them."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from portal.api.strict import StrictFieldsMixin
from workspace.models import MatchFeedback, PipelineEntry


class PipelineEntrySerializer(serializers.ModelSerializer):
    """A firm's entry for one opportunity: stage, owner (a username among the firm's staff), due date and notes."""

    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    opportunity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="opportunity.title", read_only=True)
    title_ja = serializers.CharField(
        source="opportunity.title_ja", read_only=True, help_text="The record's Japanese title; empty where it has none."
    )
    deadline = serializers.DateField(source="opportunity.deadline", read_only=True, allow_null=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    note = serializers.CharField(source="notes", read_only=True)

    class Meta:
        model = PipelineEntry
        fields = [
            "company",
            "opportunity",
            "title",
            "title_ja",
            "stage",
            "owner",
            "due_on",
            "deadline",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class PipelineEntryWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """What a PUT may set; fields left out keep their value (a new entry watches, due on the record's deadline).

    The notes are `note` here, as in every v1 answer (the pages and the CSV say "notes"): a body with `notes` is a
    400 that suggests `note`. The answer's read-only fields may come back in a GET-then-PUT and are ignored.
    """

    echoed_fields = tuple(PipelineEntrySerializer.Meta.fields)

    stage = serializers.ChoiceField(choices=PipelineEntry.Stage.choices, required=False)
    owner = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=150)
    due_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def service_data(self) -> dict:
        """The validated fields under the service's argument names."""
        data = dict(self.validated_data)
        if "note" in data:
            data["notes"] = data.pop("note")
        return data


class MatchFeedbackSerializer(serializers.ModelSerializer):
    """A firm's "not relevant" on one opportunity: the reason, the note, who gave it, when, and when it last changed."""

    company = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    opportunity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    relevant = serializers.SerializerMethodField()
    given_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = MatchFeedback
        fields = ["company", "opportunity", "relevant", "reason", "note", "given_by", "created_at", "updated_at"]
        read_only_fields = fields

    def get_relevant(self, obj: MatchFeedback) -> bool:
        return False


class MatchFeedbackWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """A POST marking a match not relevant: `relevant` must be false, with a reason from the fixed list."""

    relevant = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=MatchFeedback.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_relevant(self, value: bool) -> bool:
        if value:
            raise serializers.ValidationError(
                _("Only false is accepted: DELETE the feedback to mark a match relevant.")
            )
        return value
