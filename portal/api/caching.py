"""Cached list answers for the API's busiest reads: a firm's matches, an opportunity's firms, the listings.

An answer is kept under a key naming the caller, the language, today's date (``open`` depends on it), the full
URL (path, query string and host, which the paging links carry) and the generations of the data it shows
(portal.generations): any committed write to that data changes the key, so a cached answer is never stale. It
expires after ``API_CACHE_SECONDS`` in any case. Authentication, permissions and throttles run on every request
as before; only the reading and serializing of the rows is saved.

The cache is on when it is shared by every process (``REDIS_URL`` is set), since a write in one process must be
seen by the others; ``API_CACHE_SECONDS=0`` turns it off.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from portal.generations import FAMILIES, generations_current

T = TypeVar("T")


class CachedListMixin:
    """list() answers from the cache when the same caller asked the same question since the data last changed."""

    # The families of data a list shows; a write to any of them makes a fresh answer.
    cache_families: tuple[str, ...] = FAMILIES

    def list_access_check(self) -> None:
        """Raise (404, 403) when the caller may not see this list; runs before any cached answer is given."""

    def list(self, request, *args, **kwargs):
        seconds = settings.API_CACHE_SECONDS
        # JSON only: the browsable API's pages carry the signed-in user's name and CSRF token.
        if not seconds or not isinstance(request.accepted_renderer, JSONRenderer):
            return super().list(request, *args, **kwargs)
        self.list_access_check()
        key = self._list_cache_key(request)
        if key is None:  # the cache is unreachable just now
            return super().list(request, *args, **kwargs)
        cached = cache.get(key)
        if cached is not None:
            content_type, body = cached
            return HttpResponse(body, content_type=content_type)
        response = super().list(request, *args, **kwargs)
        if response.status_code == 200:
            # Rendered here rather than after the view (finalize_response sets the same renderer again), so the
            # cached answer is the very bytes sent, with nothing to encode on a hit.
            response.accepted_renderer = request.accepted_renderer
            response.accepted_media_type = request.accepted_media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    def list_cache_families(self) -> tuple[str, ...]:
        return self.cache_families

    def _list_cache_key(self, request) -> str | None:
        user = request.user
        caller = f"user:{user.pk}" if user.is_authenticated else "anonymous"
        when = timezone.localdate().isoformat()
        parts = (caller, get_language() or "", when, request.accepted_media_type, request.build_absolute_uri())
        return cache_key("api-list", *parts, families=self.list_cache_families(), request=request)


def cached(name: str, *parts: str, families: Iterable[str], request, compute: Callable[[], T]) -> T:
    """compute()'s value, kept under NAME and PARTS until a write to FAMILIES (or API_CACHE_SECONDS) retires it.

    For values that are the same for everyone asking the same question: the token check, the firm check. A
    compute() that raises (a 401, a 404) is not cached; neither is a None it returns.
    """
    seconds = settings.API_CACHE_SECONDS
    key = cache_key(name, *parts, families=families, request=request) if seconds else None
    value = cache.get(key) if key else None
    if value is None:
        value = compute()
        if key and value is not None:
            cache.set(key, value, seconds)
    return value


def cache_key(name: str, *parts: str, families: Iterable[str], request) -> str | None:
    """A key for NAME and PARTS under the current generations of FAMILIES: a write to them changes it.

    REQUEST (Django's or DRF's) holds the generations read once for the whole request. None when the cache is
    unreachable: the caller then reads the database.
    """
    generations = generations_current(families, request=getattr(request, "_request", request))
    if generations is None:
        return None
    text = "\n".join((*parts, generations))
    return f"{name}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"
