"""The change feed for REST clients: GET /api/v1/changes/?since=<cursor>&limit=."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from alerts.api.feed_serializers import ChangeFeedSerializer, ChangeQuerySerializer
from alerts.feed import change_feed_page, change_item, change_item_addresses
from portal.api.language import LANG, ReaderLanguageMixin
from portal.changes import CursorError


class ChangeFeedView(ReaderLanguageMixin, GenericAPIView):
    """Records, notices and the caller's firms' matches that changed, oldest first, resumed by an opaque cursor.

    Paging never skips or repeats an event, even while writes are happening. Poll with the last page's `next`.
    """

    serializer_class = ChangeFeedSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        parameters=[ChangeQuerySerializer, LANG],
        responses={
            200: ChangeFeedSerializer,
            400: OpenApiResponse(description="`since`, `limit` or `lang` is not valid."),
        },
    )
    def get(self, request, *args, **kwargs):
        query = ChangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            page = change_feed_page(user=request.user, **query.validated_data)
        except CursorError as error:
            said = gettext("Not a cursor from this feed: use the `next` of a page, or leave it out.")
            raise ValidationError({"since": [said]}) from error
        # Addresses on the host the client called, as every other address in the API.
        results = [change_item_addresses(change_item(event), request.build_absolute_uri) for event in page.events]
        # Through the serializer, so created_at is in TIME_ZONE (+09:00) like every other timestamp of the API.
        body = ChangeFeedSerializer({"results": results, "next": page.next, "has_more": page.has_more}).data
        return Response(body)
