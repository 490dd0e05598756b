"""A user's own email address: a change is asked for, a link goes to the new address, and following it makes it so.

Until the link is followed, digests and reminders keep going to the address the account had; once it is, the old
address is told. Any other spelling of the address, letter case alone included, is a new address and waits for its
link (docs/security.md says why). An address another account already has, in any letter case, is answered as any
other (the page says a link was sent), so the form cannot be used to learn who has an account; that address gets a
notice saying it is in use, with no link, and nothing changes. Asking again replaces the request and voids the link
sent before; a link is good for EMAIL_CONFIRM_WITHIN from the request, and a user may ask REQUESTS_PER_HOUR times an
hour. Addresses a consultant sets (`add_user`, the user admin) need no link: the consultant vouches for them
(portal.services.user_email_set).
"""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from alerts.preferences import language_of
from portal.models import SECRET_LINK_PREFIX, EmailChange, OutboxMessage, SecretLink
from portal.outbox import outbox_key, outbox_put
from portal.roles import is_consultant
from portal.secret_links import secret_link_derived, secret_link_resolve
from portal.services import EMAIL_CONFIRM_KIND, email_change_drop, email_checked, email_taken, user_email_set

EMAIL_CONFIRM_WITHIN = dt.timedelta(days=3)
EMAIL_CHANGED = "email_changed"  # the notice to the old address
EMAIL_IN_USE = "email_in_use"  # the notice to an address another account has, sent in place of a link
REQUESTS_PER_HOUR = 3  # links sent to addresses a user typed: no more, so nobody can flood an inbox from here


@transaction.atomic
def email_change_request(*, user: User, email: str) -> EmailChange | None:
    """Ask for USER's address to become EMAIL: a confirmation link is queued to EMAIL, and the pending request is
    returned. None when EMAIL is, character for character, the address the account has (any pending request is
    dropped). A change of letter case alone is a change like any other and waits for its link (docs/security.md).
    ValidationError naming `email` for an address that is not one, or past the hourly limit. An address another
    account has, in any letter case, is answered the same way, but it gets a notice that it is in use instead of the
    link (its request can never be confirmed: email_change_confirm refuses it)."""
    email = email_checked(email)
    if email == user.email:
        email_change_drop(user=user)
        return None
    asked = OutboxMessage.objects.filter(
        user=user, kind__in=[EMAIL_CONFIRM_KIND, EMAIL_IN_USE], created_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    if asked >= REQUESTS_PER_HOUR:
        raise ValidationError(
            {"email": _("You asked for %(count)s links within the hour: try again later.") % {"count": asked}}
        )
    email_change_drop(user=user)
    change = EmailChange.objects.create(user=user, email=email, requested_at=timezone.now())
    if email_taken(email, other_than=user):
        _in_use_notice(user=user, change=change)
        return change
    outbox_put(
        key=outbox_key(EMAIL_CONFIRM_KIND, user.pk, change.pk),
        channel=OutboxMessage.Channel.EMAIL,
        kind=EMAIL_CONFIRM_KIND,
        payload={"to": email, "language": language_of(user), "change": change.pk},
        user=user,
        target_id=change.pk,
        lifetime=EMAIL_CONFIRM_WITHIN,
    )
    return change


def email_change_pending(*, user: User) -> EmailChange | None:
    """USER's request still waiting for its link to be followed, if any (an expired one counts as none)."""
    return EmailChange.objects.filter(user=user, requested_at__gt=timezone.now() - EMAIL_CONFIRM_WITHIN).first()


def confirmation_link(change: EmailChange) -> str | None:
    """The raw secret of CHANGE's link, the same for every copy of its email (derived from the request, so a resent
    email does not void the first), its link made active; None if the request's link was revoked."""
    value = f"{change.pk}:{change.user_id}:{change.email}:{change.requested_at.isoformat()}"
    raw = SECRET_LINK_PREFIX + salted_hmac("kakehashi.email-confirm", value, algorithm="sha256").hexdigest()
    link = secret_link_derived(user=change.user, purpose=SecretLink.Purpose.EMAIL, subject_id=change.pk, raw=raw)
    return raw if link is not None else None


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
    """Make the requested address the account's; the link stops working and the old address is told.
    EmailChange.DoesNotExist if the request was replaced or dropped since it was read; ValidationError naming
    `email` if another account took the address in the meantime."""
    current = EmailChange.objects.select_for_update().filter(pk=change.pk, email=change.email).first()
    if current is None or current.requested_at <= timezone.now() - EMAIL_CONFIRM_WITHIN:
        raise EmailChange.DoesNotExist
    user = User.objects.select_for_update().get(pk=current.user_id)
    old = user.email
    user_email_set(user=user, email=current.email)  # drops the request, its link and unsent copies
    if old and old != user.email:
        _changed_notice(user=user, old=old, new=user.email, when=timezone.now())
    return user


def _changed_notice(*, user: User, old: str, new: str, when: dt.datetime) -> None:
    """Tell the old address that the account's email now goes elsewhere (so a change nobody asked for is seen)."""
    language = language_of(user)
    with translation.override(language):
        subject = _("Your Kakehashi email address was changed")
        body = render_to_string(
            "alerts/email_changed.txt", {"username": user.get_username(), "new": new, "consultant": is_consultant(user)}
        )
    outbox_put(
        key=outbox_key(EMAIL_CHANGED, user.pk, when.isoformat()),
        channel=OutboxMessage.Channel.EMAIL,
        kind=EMAIL_CHANGED,
        payload={"to": old, "subject": subject, "body": body, "language": language},
        user=user,
    )


def _in_use_notice(*, user: User, change: EmailChange) -> None:
    """Tell the address CHANGE asks for that it already belongs to an account, in its owner's language: nothing is
    changed, and who asked is not said (the notice carries no link)."""
    owner = User.objects.filter(email__iexact=change.email).exclude(pk=user.pk).first()
    language = language_of(owner)
    with translation.override(language):
        subject = _("Someone asked to use this address on Kakehashi")
        body = render_to_string("alerts/email_in_use.txt", {"email": change.email})
    outbox_put(
        key=outbox_key(EMAIL_IN_USE, user.pk, change.pk),
        channel=OutboxMessage.Channel.EMAIL,
        kind=EMAIL_IN_USE,
        payload={"to": change.email, "subject": subject, "body": body, "language": language},
        user=user,
        target_id=change.pk,
        lifetime=EMAIL_CONFIRM_WITHIN,
    )
