"""The caller (me/) and their API tokens (list, revoke)."""

from rest_framework import mixins, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Membership
from portal.models import ApiToken
from portal.roles import role_of
from portal.tokens import token_revoke
from web.api.serializers import ApiTokenSerializer, MeSerializer


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
