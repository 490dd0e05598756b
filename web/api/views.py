"""The API's index (/api/v1/), the caller (me/) and their API tokens (list, revoke)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from companies.models import Membership
from portal.models import ApiToken
from portal.roles import role_of
from portal.tokens import token_revoke
from web.api.serializers import ApiTokenSerializer, MeSerializer

# The resources a client starts from, by route name; the nested ones (a firm's matches, pipeline and partners, an
# opportunity's matches, a webhook's deliveries) hang off them, as the schema says.
API_INDEX = (
    ("opportunities", "api:opportunity-list"),
    ("technology-areas", "api:technology-area-list"),
    ("organisations", "api:organisation-list"),
    ("certifications", "api:certification-list"),
    ("notices", "api:notice-list"),
    ("partners", "api:partner-list"),
    ("companies", "api:company-list"),
    ("introductions", "api:introduction-list"),
    ("match-runs", "api:match-run-list"),
    ("source-changes", "api:source-change-list"),
    ("changes", "api:change-list"),
    ("webhooks", "api:webhook-list"),
    ("saved-searches", "api:saved-search-list"),
    ("me", "api:me"),
    ("tokens", "api:token-list"),
    ("schema", "api:schema"),
    ("docs", "api:docs"),
)


class ApiRootView(APIView):
    """The API's index: the address of each resource, of the OpenAPI schema and of the docs.

    Public, like the schema: it names routes, never records. Authentication and throttling apply as everywhere.
    """

    @extend_schema(
        operation_id="api_index",
        responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}},
    )
    def get(self, request, *args, **kwargs):
        return Response({name: reverse(route, request=request) for name, route in API_INDEX})


class MeView(GenericAPIView):
    """The caller: username, role (consultant, staff or anonymous) and the firms they belong to."""

    serializer_class = MeSerializer

    def get(self, request, *args, **kwargs):
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("company") if user.is_authenticated else []
        me = {"username": user.get_username() or None, "role": role_of(user), "companies": memberships}
        return Response(self.get_serializer(me).data)


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's own API tokens. DELETE revokes one for good (it stays listed, marked revoked).

    Tokens are minted on the account page or with `manage.py issue_token`, never through the API.
    """

    queryset = ApiToken.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user).order_by("-created_at", "-pk")

    def perform_destroy(self, instance: ApiToken) -> None:
        token_revoke(token=instance, by=self.request.user)
