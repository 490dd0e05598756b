"""A user's own email address: a change is asked for, a link goes to the new address, and following it makes it so.

Until the link is followed, digests and reminders keep going to the address the account had. Asking again replaces
the request and voids the link sent before; a link is good for EMAIL_CONFIRM_WITHIN. Addresses set by a consultant
(`add_user`, the user admin) need no link: the consultant vouches for them.
"""

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from alerts.preferences import language_of
from portal.models import EmailChange, OutboxMessage, SecretLink
from portal.outbox import outbox_key, outbox_put
from portal.secret_links import secret_link_resolve, secret_links_revoke
from portal.services import user_email_check, user_email_set

EMAIL_CONFIRM_WITHIN = dt.timedelta(days=3)
EMAIL_CONFIRM = "email_confirm"  # the outbox kind of the message that carries the link


@transaction.atomic
def email_change_request(*, user: User, email: str) -> EmailChange | None:
    """Ask for USER's address to become EMAIL: a confirmation link is queued to EMAIL, and the pending request is
    returned. None when EMAIL is the address the account has (any pending request is dropped). ValidationError
    naming `email` for an address that is not one or that another account uses."""
    email = user_email_check(user=user, email=email)
    _pending_drop(user)
    if email == user.email:
        return None
    change = EmailChange.objects.create(user=user, email=email, requested_at=timezone.now())
    outbox_put(
        key=outbox_key(EMAIL_CONFIRM, user.pk, change.pk),
        channel=OutboxMessage.Channel.EMAIL,
        kind=EMAIL_CONFIRM,
        payload={"to": email, "language": language_of(user), "change": change.pk},
        user=user,
        target_id=change.pk,
        lifetime=EMAIL_CONFIRM_WITHIN,
    )
    return change


def email_change_pending(*, user: User) -> EmailChange | None:
    """USER's request still waiting for its link to be followed, if any (an expired one counts as none)."""
    return EmailChange.objects.filter(user=user, requested_at__gt=timezone.now() - EMAIL_CONFIRM_WITHIN).first()


def email_change_for_link(*, raw: str | None) -> EmailChange | None:
    """The request a confirmation link (its raw secret) was sent for; None for an unknown, revoked, replaced or
    expired link."""
    link = secret_link_resolve(raw=raw, purpose=SecretLink.Purpose.EMAIL)
    if link is None:
        return None
    change = email_change_pending(user=link.user)
    return change if change is not None and change.pk == link.subject_id else None


@transaction.atomic
def email_change_confirm(*, change: EmailChange) -> User:
    """Make the requested address the account's; the link stops working. ValidationError naming `email` if another
    account took the address in the meantime."""
    user = change.user
    user_email_set(user=user, email=change.email)
    _pending_drop(user)
    return user


def _pending_drop(user: User) -> None:
    """Forget USER's pending request: its link stops working and an unsent message carrying it is not sent."""
    EmailChange.objects.filter(user=user).delete()
    secret_links_revoke(user=user, purpose=SecretLink.Purpose.EMAIL)
    OutboxMessage.objects.filter(user=user, kind=EMAIL_CONFIRM, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.CANCELLED, last_error="replaced by a newer request or confirmed"
    )
