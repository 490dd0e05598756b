"""The consultants' view of source changes: where, which record, status, when, and the diff."""

from rest_framework import serializers

from sources.models import SourceChange


class SourceChangeDiffSerializer(serializers.Serializer):
    """The unified diff and its removed and added lines."""

    unified = serializers.CharField(source="diff")
    removed = serializers.ListField(child=serializers.CharField())
    added = serializers.ListField(child=serializers.CharField())


class SourceChangeSerializer(serializers.ModelSerializer):
    """One change found in a source page."""

    source_url = serializers.URLField(source="watch.source.url", read_only=True)
    record = serializers.SlugField(source="watch.source.opportunity.slug", read_only=True)
    diff = serializers.SerializerMethodField()
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = SourceChange
        fields = [
            "id", "source_url", "record", "kind", "status", "detected_at", "redirect_to", "diff",
            "reviewed_by", "reviewed_at", "review_note",
        ]  # fmt: skip

    def get_diff(self, obj: SourceChange) -> dict:
        removed, added = obj.diff_lines()
        return SourceChangeDiffSerializer({"diff": obj.diff, "removed": removed, "added": added}).data
