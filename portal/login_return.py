"""After signing in, a user whose session ran out while pressing a button goes back to the page the button was on.

A button (Follow, Not relevant, Save this search, Ask for an introduction, Tick area, ...) posts to an action URL
that answers POST only. Django's `login_required` and `LoginRequiredMixin` send a signed-out POST to the sign-in
page with `next` = that action URL, and after signing in the browser GETs it: a blank 405. This middleware is the
one place that fixes it for every action, whichever way the view asks for a sign-in.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def _page_posted_from(request: HttpRequest) -> str:
    """The form's own `next` field, else the Referer, as a path on this site; "" when neither is a safe address."""
    for candidate in (request.POST.get("next", ""), request.headers.get("Referer", "")):
        if candidate and same_site_url(request, candidate):
            parts = urlsplit(candidate)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            # A same-site address can still have a path that reads as another site once cut from its host
            # (http://testserver//evil.example/x gives //evil.example/x; /\evil.example/ too): judge the path itself.
            if path.startswith("/") and not path.startswith(("//", "/\\")) and same_site_url(request, path):
                return path
    return ""


def same_site_url(request: HttpRequest, url: str) -> bool:
    """Whether URL is safe to send REQUEST's user back to: on this site's host, and https when the request is (never
    a step down to http). Every "go back to where the form was" asks here."""
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def login_return_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Rewrite the sign-in redirect of a signed-out POST: `next` is the page the form came from (a safe `next` field
    or same-site Referer), never the POST-only action; with neither, no `next` (the sign-in lands on the home page).
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method != "POST" or response.status_code != 302 or request.user.is_authenticated:
            return response
        login_url = resolve_url(settings.LOGIN_URL)  # /ja/accounts/login/ under /ja/
        if urlsplit(response["Location"]).path != login_url:
            return response
        page = _page_posted_from(request)
        response["Location"] = login_url + (f"?{urlencode({'next': page})}" if page else "")
        return response

    return middleware
