"""Webhook endpoints and their deliveries, as REST clients see them."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import WebhookEndpoint
from alerts.webhooks import EVENT_TYPES
from matching.api.serializers import ExplanationSerializer
from matching.messages import detail
from portal.api.strict import StrictFieldsMixin
from portal.models import OutboxAttempt, OutboxMessage

URL_HELP = "An https:// URL whose host resolves only to public addresses (docs/alerts.md#webhooks)."
WEBHOOK_EVENT_NAMES = [*EVENT_TYPES, "*"]  # the schema's WebhookEventEnum (portal/schema_settings.py)
EVENT_NAMES_SCHEMA = {
    "type": "array",
    "items": {"type": "string", "enum": WEBHOOK_EVENT_NAMES},
    "minItems": 1,
    "maxItems": 20,
    "description": 'Event names, or ["*"] for every event (and kinds added later).',
}


@extend_schema_field(EVENT_NAMES_SCHEMA)
class EventNamesField(serializers.ListField):
    """A webhook's event names. The schema lists the names the service takes (alerts.webhooks.EVENT_TYPES and "*"),
    and that the list is not empty; the service says which name is unknown (alerts.webhooks.webhook_events_check)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=40), max_length=20, **kwargs)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """One of the caller's endpoints: never its secret, which is shown only once, when created."""

    events = EventNamesField(read_only=True)
    disabled_reason_detail = serializers.SerializerMethodField(
        help_text="Why the endpoint is disabled, as {code, params, text} in the language asked for; null while active."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "created_at",
            "disabled_at",
            "disabled_reason",
            "disabled_reason_detail",
            "consecutive_failures",
        ]
        read_only_fields = fields

    @extend_schema_field(ExplanationSerializer(allow_null=True))
    def get_disabled_reason_detail(self, endpoint: WebhookEndpoint) -> dict[str, Any] | None:
        if endpoint.active or not (endpoint.disabled_detail or endpoint.disabled_reason):
            return None
        return detail([endpoint.disabled_detail or {"text": endpoint.disabled_reason}])[0]


class WebhookEndpointCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What POST /webhooks/ takes: the URL and the event names (or ["*"])."""

    url = serializers.CharField(max_length=500, help_text=URL_HELP)
    events = EventNamesField()


class WebhookEndpointUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """What PATCH /webhooks/{id}/ takes, every field optional: a new URL, new event names, or `active` to switch
    the endpoint off or (after it was disabled) on again. The answer's other fields may come back in a
    GET-then-PATCH and are ignored."""

    echoed_fields = tuple(WebhookEndpointSerializer.Meta.fields)

    url = serializers.CharField(max_length=500, required=False, help_text=URL_HELP)
    events = EventNamesField(required=False)
    active = serializers.BooleanField(required=False)


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """An endpoint with its signing secret: the answer to creating it or rotating its secret, shown this once."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    """One attempt at a delivery: when, the receiver's status code, and the error if it failed."""

    class Meta:
        model = OutboxAttempt
        fields = ["started_at", "ok", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event's delivery to an endpoint: its state, its key (`Idempotency-Key`) and each attempt."""

    event_id = serializers.SerializerMethodField()
    type = serializers.CharField(source="kind", read_only=True)
    idempotency_key = serializers.CharField(source="key", read_only=True)
    attempt_log = DeliveryAttemptSerializer(source="log", many=True, read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "event_id",
            "type",
            "idempotency_key",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "sent_at",
            "expires_at",
            "last_error",
            "attempt_log",
        ]
        read_only_fields = fields

    def get_event_id(self, message: OutboxMessage) -> int | None:
        return message.payload.get("id")


class WebhookReplayStateSerializer(serializers.Serializer):
    """The replay itself: when it was queued, where it stands now and its own attempts."""

    queued_at = serializers.DateTimeField(read_only=True, help_text="When the replay made the delivery due again.")
    status = serializers.ChoiceField(
        choices=OutboxMessage.Status.choices,
        read_only=True,
        help_text="`sent` once the receiver accepted the replay (the sender may have run before the answer), "
        "`sending` while it is in flight, `pending` while it waits for the sender or for a retry; `failed` and "
        "`cancelled` as for any delivery.",
    )
    sent_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the receiver accepted the replay; null until then."
    )
    attempt_log = DeliveryAttemptSerializer(
        many=True, read_only=True, help_text="The attempts made since the replay was queued, newest first."
    )


class WebhookReplaySerializer(WebhookDeliverySerializer):
    """The answer to a replay: the delivery as it stands once the sender was asked, and `replay`, the replay queued."""

    # Serializes the service's WebhookReplay: its `delivery` is the instance, and itself the context's `replay`.
    replay = serializers.SerializerMethodField()

    class Meta(WebhookDeliverySerializer.Meta):
        fields = [*WebhookDeliverySerializer.Meta.fields, "replay"]
        read_only_fields = fields

    @extend_schema_field(WebhookReplayStateSerializer)
    def get_replay(self, message: OutboxMessage) -> dict[str, Any]:
        return WebhookReplayStateSerializer(self.context["replay"]).data
