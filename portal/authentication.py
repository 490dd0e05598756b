"""`Authorization: Bearer <token>` for REST clients, checked against the hashed ApiToken rows.

An Authorization header in any other scheme (Basic, Digest, ...) is a 401 naming Bearer, never a quiet anonymous
answer: a client sending credentials learns at once that they were not read.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from portal.api.caching import cached
from portal.models import ApiToken, hash_token
from portal.roles import CONSULTANTS_GROUP

# last_used_at is a hint for people tidying their tokens, not an audit log: write it at most once a minute
# per token so that a busy client costs one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _token_get(key_hash: str) -> ApiToken | None:
    """The token with KEY_HASH, its user (without the password hash, which is never cached) and the user's role."""
    consultant = Group.objects.filter(name=CONSULTANTS_GROUP, user=OuterRef("user"))
    return (
        ApiToken.objects.select_related("user")
        .defer("user__password")
        .annotate(user_is_consultant=Exists(consultant))
        .filter(key_hash=key_hash)
        .first()
    )


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticate as the token's owner; revoked, expired and unknown tokens get a 401 that says which."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if parts and parts[0].lower() == b"token":  # DRF's own scheme, which clients often try first
            raise exceptions.AuthenticationFailed(
                _("Use 'Authorization: Bearer <token>'; the Token scheme is not read.")
            )
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: let session authentication try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: use 'Bearer <token>'."))
        try:
            raw = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        return self.authenticate_credentials(raw, request=request)

    def authenticate_credentials(self, raw: str, *, request=None):
        key_hash = hash_token(raw)
        # Under the accounts generation: revoking a token, or changing its user or their role, replaces the key.
        token = cached(
            "api-token", key_hash, families=["accounts"], request=request, compute=lambda: _token_get(key_hash)
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token revoked."))
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            # A cached token still shows the time it was cached; a marker that lives a minute keeps the writes to
            # one a minute. The cached token itself is never stored again: it expires API_CACHE_SECONDS after it
            # was read from the database, whatever happens to the cache meanwhile.
            resolution = int(LAST_USED_RESOLUTION.total_seconds())
            if not settings.API_CACHE_SECONDS or cache.add(f"api-token-used:{token.pk}", 1, timeout=resolution):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        # The role comes with the token, in the same query: portal.roles.is_consultant reads this cache.
        token.user._kakehashi_is_consultant = token.user_is_consultant
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Naming the scheme makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{self.keyword} realm="api"'


class UnreadSchemeAuthentication(BaseAuthentication):
    """Last in the list: a request no one authenticated but that sent an Authorization header gets a 401.

    Last, so a browser signed in by its session still works behind a proxy that adds its own Basic header.
    """

    def authenticate(self, request):
        if not get_authorization_header(request).split():
            return  # no credentials sent: an anonymous caller
        raise exceptions.AuthenticationFailed(_("Use 'Authorization: Bearer <token>'; no other scheme is read."))


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describes bearer tokens in the OpenAPI schema (drf-spectacular finds it by the class it names)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the account page or `manage.py issue_token`.",
        }


class UnreadSchemeScheme(OpenApiAuthenticationExtension):
    """UnreadSchemeAuthentication authenticates no one, so it adds no scheme to the OpenAPI schema."""

    target_class = UnreadSchemeAuthentication
    name: list[str] = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []
