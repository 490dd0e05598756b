"""Writes on API tokens: mint one (the raw key is returned once, only its hash is stored) and revoke one."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import ApiToken, hash_token, new_raw_token
from portal.roles import is_consultant

# A token nobody remembers keeps working for at most this long, unless its owner asked for another expiry.
DEFAULT_EXPIRY = datetime.timedelta(days=90)
MAX_EXPIRY = datetime.timedelta(days=3650)  # the longest a token may live, however it is minted
# Enough of the raw key to tell tokens apart in lists and logs, far too little to guess the rest.
PREFIX_LENGTH = 12


def token_issue(*, user: User, name: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """Mint a token for USER and return it with its raw key, which is never stored and cannot be shown again.

    Without EXPIRES_AT the token expires after DEFAULT_EXPIRY (90 days).
    """
    if expires_at is None:
        expires_at = timezone.now() + DEFAULT_EXPIRY
    raw = new_raw_token()
    token = ApiToken(
        user=user, name=name.strip(), prefix=raw[:PREFIX_LENGTH], key_hash=hash_token(raw), expires_at=expires_at
    )
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    if expires_at > timezone.now() + MAX_EXPIRY:
        raise ValidationError({"expires_at": f"The expiry may be at most {MAX_EXPIRY.days} days away."})
    token.full_clean()
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke TOKEN for good; only its owner or a consultant may. Revoking twice keeps the first date."""
    if by.pk != token.user_id and not is_consultant(by):
        raise PermissionDenied(_("Only the token's owner or a consultant may revoke it."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
