"""ETag and Last-Modified on record details, so that clients can poll with conditional GETs."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from rest_framework.response import Response


class ConditionalRetrieveMixin:
    """retrieve() answers 304 when If-None-Match or If-Modified-Since shows the client is up to date.

    The ETag hashes the serialized record, so it changes with anything the client sees (sources, areas),
    not only with the row's own updated_at; Last-Modified is the record's updated_at where it has one.
    """

    last_modified_field = "updated_at"

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = self.get_serializer(instance).data
        payload = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True)
        etag = quote_etag(hashlib.sha256(f"{request.accepted_renderer.format}:{payload}".encode()).hexdigest()[:32])
        modified = getattr(instance, self.last_modified_field, None)
        last_modified = int(modified.timestamp()) if modified else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        # 304 Not Modified (or 412 for a failed If-Match) carries no body.
        response = Response(data) if not_modified is None else Response(status=not_modified.status_code)
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return response
