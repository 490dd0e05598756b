"""The caller's webhook endpoints (create, list, read, change, delete, rotate the secret) and their delivery log."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from alerts.api.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSecretSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookReplaySerializer,
)
from alerts.models import WebhookEndpoint
from alerts.webhook_delivery import webhook_delivery_replay
from alerts.webhooks import (
    webhook_deliveries,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_secret_rotate,
)
from portal.api.created import created_location
from portal.api.exceptions import service_error
from portal.api.language import LANG, ReaderLanguageMixin
from portal.models import OutboxMessage

WEBHOOK_ID = OpenApiParameter("webhook_id", int, OpenApiParameter.PATH, description="The endpoint's id.")
DELIVERY_ID = OpenApiParameter("delivery_id", int, OpenApiParameter.PATH, description="The delivery's id.")


@extend_schema_view(list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG]))
class WebhookEndpointViewSet(
    ReaderLanguageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own webhook endpoints; another user's answer 404, consultants' included.

    Words (why an endpoint is disabled, the messages of a 400) follow ?lang= or Accept-Language, as on every route
    with words in its answers; `disabled_reason` stays English for the clients that read it.
    """

    queryset = WebhookEndpoint.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return WebhookEndpoint.objects.owned_by(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=WebhookEndpointCreateSerializer, responses={201: WebhookEndpointSecretSerializer})
    def create(self, request, *args, **kwargs):
        body = WebhookEndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            endpoint, secret = webhook_endpoint_create(owner=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise service_error(error) from error
        endpoint.secret = secret
        headers = created_location(request, "webhook-detail", pk=endpoint.pk)
        return _showing_secret(
            Response(WebhookEndpointSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED, headers=headers)
        )

    @extend_schema(
        request=WebhookEndpointUpdateSerializer, responses={200: WebhookEndpointSerializer}, parameters=[LANG]
    )
    def partial_update(self, request, *args, **kwargs):
        """Change the URL or events, or switch the endpoint off or on again (a disabled one resumes from now)."""
        endpoint = self.get_object()
        body = WebhookEndpointUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            endpoint = webhook_endpoint_update(endpoint=endpoint, **body.validated_data)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(WebhookEndpointSerializer(endpoint).data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        webhook_endpoint_delete(endpoint=instance)

    @extend_schema(request=None, responses={200: WebhookEndpointSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        """A new signing secret for the endpoint, shown this once; the old one stops signing at once."""
        endpoint = self.get_object()
        endpoint.secret = webhook_secret_rotate(endpoint=endpoint)
        return _showing_secret(Response(WebhookEndpointSecretSerializer(endpoint).data))


def _showing_secret(response: Response) -> Response:
    """An answer that carries a signing secret, shown this once: no cache on the way may keep it (as the pages that
    show one, docs/security.md)."""
    add_never_cache_headers(response)
    return response


@extend_schema_view(list=extend_schema(parameters=[WEBHOOK_ID]))
class WebhookDeliveryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The delivery log of one of the caller's endpoints, newest first; POST .../replay/ sends one again."""

    queryset = OutboxMessage.objects.none()  # names the model for the schema
    serializer_class = WebhookDeliverySerializer
    permission_classes = [IsAuthenticated]

    def endpoint(self) -> WebhookEndpoint:
        owned = WebhookEndpoint.objects.owned_by(self.request.user)
        return get_object_or_404(owned, pk=self.kwargs["webhook_id"])

    def get_queryset(self):
        return webhook_deliveries(self.endpoint())

    @extend_schema(
        request=None,
        parameters=[WEBHOOK_ID, DELIVERY_ID],
        responses={
            202: WebhookReplaySerializer,
            400: OpenApiResponse(description="The endpoint is switched off (`active` false): nothing is sent to it."),
        },
    )
    def replay(self, request, *args, **kwargs):
        """Deliver this event again now (due at once, with a fresh day of retries).

        The answer is the delivery as it stands once the sender was asked (already `sent` when it ran at once) and
        `replay`: when it was queued, its state, when it was sent and its own attempts.
        """
        endpoint = self.endpoint()
        message = webhook_deliveries(endpoint).filter(pk=self.kwargs["delivery_id"]).first()
        if message is None:
            raise NotFound(gettext("This endpoint has no delivery %(id)s.") % {"id": self.kwargs["delivery_id"]})
        try:
            replay = webhook_delivery_replay(endpoint=endpoint, message=message)
        except DjangoValidationError as error:
            raise service_error(error) from error
        body = WebhookReplaySerializer(replay.delivery, context={"replay": replay}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)
