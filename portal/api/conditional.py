"""ETag and Last-Modified on record details, so that clients can poll with conditional GETs (and, where a detail
can be written, send its ETag back in If-Match so that a change made from an old copy is refused)."""

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from portal.versions import ANY_VERSION


def if_match_parameter(*, record: str, answers: str, covers: str) -> OpenApiParameter:
    """The If-Match header of a detail that can be written, as the schema documents it (the firm, a pipeline entry):
    RECORD names it ("the firm"), ANSWERS the writes whose answers send the ETag, COVERS what a change of it means."""
    return OpenApiParameter(
        "If-Match",
        str,
        OpenApiParameter.HEADER,
        required=False,
        description=(
            f"{record.capitalize()}'s ETag as the client last read it (GET sends it; so do {answers} answers): the"
            f" change is made only if nobody changed {record} since, else 412 and nothing is changed. {covers} Left"
            " out, the change is made whatever happened meanwhile, as before."
        ),
    )


def representation_etag(request, data: object) -> str:
    """The strong ETag of DATA as REQUEST's renderer sends it: a hash, so it changes with anything the client sees."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True)
    return quote_etag(hashlib.sha256(f"{request.accepted_renderer.format}:{payload}".encode()).hexdigest()[:32])


class ConditionalRetrieveMixin:
    """retrieve() answers 304 when If-None-Match or If-Modified-Since shows the client is up to date.

    The ETag hashes the serialized record, so it changes with anything the client sees (sources, areas),
    not only with the row's own updated_at. Last-Modified is sent only where a viewset can say when anything its
    answer shows last changed (`last_modified_of`): a record's answer carries its sources' and organisations' words,
    which change without touching the record's updated_at, so a Last-Modified taken from that alone answered 304 to
    a client polling with If-Modified-Since after a source was renamed.
    """

    def etag_of(self, instance, data) -> str:
        """The ETag of INSTANCE, serialized as DATA: by default a hash of DATA (a viewset may name a version)."""
        return representation_etag(self.request, data)

    def last_modified_of(self, instance) -> datetime.datetime | None:
        """When anything INSTANCE's answer shows last changed; None (the default): not known, no Last-Modified."""
        return None

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        etag = self.etag_of(instance, data)
        modified = self.last_modified_of(instance)
        last_modified = int(modified.timestamp()) if modified else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        # 304 Not Modified (or 412 for a failed If-Match) carries no body.
        response = Response(data) if not_modified is None else Response(status=not_modified.status_code)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return response


def precondition_failed(etag: str | None, detail: str | None = None) -> Response:
    """412: the client's If-Match (or If-None-Match) names a copy that is no longer current, or DETAIL says which
    other precondition failed. The current ETag comes with it, where there is one, so the client sees its copy is
    old."""
    detail = detail or _(
        "This changed since the copy your If-Match names (someone saved it, added or removed it): read it again, "
        "reapply your change and send its new ETag. Nothing was changed."
    )
    response = Response({"detail": detail}, status=status.HTTP_412_PRECONDITION_FAILED)
    if etag is not None:
        response["ETag"] = etag
    return response


def if_match_version(request, current: str | None) -> str | None:
    """The version a write's If-Match names for a service to check (portal.versions), None without If-Match (the
    change is made whatever happened). Of several ETags, CURRENT (the record's version now) when it is among them;
    a weak or malformed one is passed as it is, which no version equals (If-Match compares strongly)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return ANY_VERSION
    versions = [tag[1:-1] for tag in tags if tag.startswith('"')]
    if current is not None and current in versions:
        return current
    return versions[0] if versions else header
