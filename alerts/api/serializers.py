"""Webhook endpoints and their deliveries, as REST clients see them."""

from rest_framework import serializers

from alerts.models import WebhookEndpoint
from portal.models import OutboxAttempt, OutboxMessage


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """One of the caller's endpoints: never its secret, which is shown only once, when created."""

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
            "consecutive_failures",
        ]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(serializers.Serializer):
    """What POST /webhooks/ takes: the URL and the event names (or ["*"])."""

    url = serializers.CharField(max_length=500)
    events = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20)


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    """What PATCH /webhooks/{id}/ takes, every field optional: a new URL, new event names, or `active` to switch
    the endpoint off or (after it was disabled) on again."""

    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, required=False)
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
