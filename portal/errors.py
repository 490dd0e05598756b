"""Error pages: a database or broker outage is a 503 to retry shortly, never a bare 500; an unknown API path is a
JSON 404; a number too large for the database is a 400."""

import logging
import sys
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.common import CommonMiddleware
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS

from portal.api.language import reader_language

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before retrying during an outage.
RETRY_AFTER_S = 5


def _is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DatabaseError | BrokerError | ConnectionError)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage (database or queue unreachable) answers 503 with Retry-After; anything else 500."""
    exc = sys.exc_info()[1]
    outage = _is_outage(exc)
    status = 503 if outage else 500
    if outage:
        message = _("The service is briefly unavailable (a database or queue is not answering). Try again shortly.")
    else:
        message = _("Something went wrong on our side. It has been logged.")
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        # No context processors or database reads here: the database may be the thing that is down.
        html = loader.get_template("errors/server_error.html").render({"message": message, "status": status})
        response = HttpResponse(html, status=status)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def api_not_found_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """An address under /api/ that no route answers is a JSON 404, as API clients expect, in debug too.

    It sits outside CommonMiddleware, so a path missing its trailing slash is still redirected to the route (a write
    with a 308, `_write_to_slashed_address`). A 404 that an API view gives (a record that does not exist) is already
    JSON and passes as it is.
    """

    slash = CommonMiddleware(get_response)

    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            request.path.startswith("/api/")
            and request.method not in SAFE_METHODS
            and slash.should_redirect_with_slash(request)
        ):
            return _write_to_slashed_address(request)
        response = get_response(request)
        if (
            response.status_code == 404
            and (request.path == "/api" or request.path.startswith("/api/"))
            and request.resolver_match is None
        ):
            return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)  # DRF's words for its 404s
        return response

    return middleware


def _write_to_slashed_address(request: HttpRequest) -> HttpResponse:
    """308 to the route's own address, which ends with a slash: a client follows it with the same method and body.

    CommonMiddleware answers 301 for a GET, which is right; for a write a 301 is followed as a GET (clients change
    POST to GET on a 301), so the write was lost while the client read a 200 listing, and in debug it raised an HTML
    error page instead. RFC 9110 15.4.9: 308 keeps the method and the body."""
    location = request.build_absolute_uri(request.get_full_path(force_append_slash=True))
    with translation.override(reader_language(request)):  # answered before the language middleware runs
        said = _("This address ends with a slash: send the request to %(url)s.") % {"url": location}
    response = JsonResponse({"detail": said}, status=308)
    response["Location"] = location
    return response


class NumberTooLargeMiddleware:
    """A number in a request that the database cannot hold is the client's error (400), not the server's.

    SQLite, the development default, cannot bind an integer beyond 64 bits and raises OverflowError wherever a form
    or filter hands it one (a crafted choice id, say). PostgreSQL compares such a value as numeric and finds no row,
    so there the form answers "select a valid choice" and this never runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError):
            return None
        # Logged all the same: an OverflowError from our own arithmetic would otherwise hide behind the 400.
        logger.warning("number too large in %s %s", request.method, request.path, exc_info=exception)
        message = _("A number in the request is too large. Check the values sent and try again.")
        if _wants_json(request):
            return JsonResponse({"detail": message}, status=400)
        html = loader.get_template("errors/server_error.html").render({"message": message, "status": 400})
        return HttpResponse(html, status=400)
