"""Writes and the one read of secret links: issue (replacing the user's old link), resolve, revoke."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portal.models import SecretLink, hash_token, new_raw_secret

# No secret we issue is longer; a longer one is refused without a query, like any unknown one.
SECRET_MAX_LENGTH = 100


@transaction.atomic
def secret_link_issue(*, user: User, purpose: str, subject_id: int | None = None) -> tuple[SecretLink, str]:
    """A new link for USER, PURPOSE and SUBJECT_ID, revoking the one it replaces; the raw secret is returned once."""
    replaced = SecretLink.objects.filter(user=user, purpose=purpose, subject_id=subject_id, revoked_at__isnull=True)
    replaced.update(revoked_at=timezone.now())
    raw = new_raw_secret()
    link = SecretLink.objects.create(user=user, purpose=purpose, subject_id=subject_id, key_hash=hash_token(raw))
    return link, raw


@transaction.atomic
def secret_link_derived(*, user: User, purpose: str, subject_id: int, raw: str) -> SecretLink | None:
    """The link whose secret is RAW (derived by the caller, e.g. with salted_hmac, so that every copy of a message
    carries the same link), made active for USER, PURPOSE and SUBJECT_ID if it is not yet; None if that secret was
    revoked before (it never comes back)."""
    link = SecretLink.objects.filter(key_hash=hash_token(raw)).first()
    if link is None:
        return SecretLink.objects.create(user=user, purpose=purpose, subject_id=subject_id, key_hash=hash_token(raw))
    return link if link.revoked_at is None and link.user_id == user.pk and link.purpose == purpose else None


def secret_link_resolve(*, raw: str | None, purpose: str) -> SecretLink | None:
    """The active link whose secret is RAW, with its user; None for an unknown, revoked or malformed secret.

    The secret alone finds the link (by its hash, one indexed query), so the answer costs the same whether or not
    the firm it would open exists (issue 17, finding 9).
    """
    if not raw or len(raw) > SECRET_MAX_LENGTH:
        return None
    return SecretLink.objects.active().select_related("user").filter(purpose=purpose, key_hash=hash_token(raw)).first()


def secret_links_revoke(*, user: User, purpose: str | None = None, subject_id: int | None = None) -> int:
    """Revoke USER's active links (of PURPOSE, for SUBJECT_ID, when given); returns how many."""
    links = SecretLink.objects.filter(user=user, revoked_at__isnull=True)
    if purpose is not None:
        links = links.filter(purpose=purpose)
    if subject_id is not None:
        links = links.filter(subject_id=subject_id)
    return links.update(revoked_at=timezone.now())
