"""The change feed's shapes, for its answers and the OpenAPI schema."""

from django.utils.functional import lazy
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.feed import LIMIT_DEFAULT, LIMIT_MAX


def _limit_message() -> str:
    """In the reader's language when it is shown, not when this module is imported."""
    return gettext("Give a whole number from 1 to %(max)d.") % {"max": LIMIT_MAX}


class ChangeQuerySerializer(serializers.Serializer):
    """The feed's query: where to resume and how many events at most."""

    since = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="The `next` cursor of the previous page; empty or left out starts from the first event.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=LIMIT_DEFAULT,
        min_value=1,
        max_value=LIMIT_MAX,
        help_text="Events per page (1-200).",
        # One message for every way a number can be wrong, in the words `page_size` uses.
        error_messages={
            key: lazy(_limit_message, str)() for key in ("invalid", "min_value", "max_value", "max_string_length")
        },
    )


class ChangeObjectSerializer(serializers.Serializer):
    """What an event is about: a record (`opportunity`) or a `notice`; match events name the firm too."""

    type = serializers.CharField(help_text="`opportunity` or `notice`.")
    id = serializers.IntegerField()
    slug = serializers.CharField(required=False)
    title = serializers.CharField(required=False)
    title_ja = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(required=False, help_text="The object's address: its page, or a notice's in this API.")
    company = serializers.CharField(required=False, help_text="Match events: the firm's slug.")


@extend_schema_field({"type": "object", "additionalProperties": {"type": "object"}})
class ChangedFieldsField(serializers.DictField):
    """`{field: {"old": ..., "new": ...}}`."""


class ChangeSerializer(serializers.Serializer):
    """One event of the feed."""

    cursor = serializers.CharField(help_text="Resumes the feed just after this event.")
    id = serializers.IntegerField()
    type = serializers.CharField(
        help_text="opportunity.published, opportunity.changed, opportunity.archived, source.reviewed, "
        "notice.published, match.created or match.moved."
    )
    created_at = serializers.DateTimeField()
    object = ChangeObjectSerializer()
    changed_fields = ChangedFieldsField(help_text='`{field: {"old": ..., "new": ...}}` (opportunity.changed).')
    data = serializers.DictField(help_text="The rest of the event: scores, reasons, what moved (docs/alerts.md).")


class ChangeFeedSerializer(serializers.Serializer):
    """A page of the feed."""

    results = ChangeSerializer(many=True)
    next = serializers.CharField(help_text="Pass as `since` for the next page (the same cursor when nothing is new).")
    has_more = serializers.BooleanField(help_text="More events are waiting after `next`.")
