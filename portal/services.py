"""Site-wide writes: the consultants group and its permissions, and what losing access or a password revokes."""

import secrets
from collections.abc import Callable

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.generations import generations_bump
from portal.models import ApiToken, EmailChange, OutboxMessage, SecretLink
from portal.roles import CONSULTANTS_GROUP
from portal.secret_links import secret_links_revoke

# Consultants curate programme records and company data, run rescoring and see firms' workspaces; never users.
CONSULTANT_APPS = ("programmes", "companies", "matching", "sources", "notices", "workspace", "partners", "alerts")


def consultants_group_ensure() -> Group:
    """Create the consultants group if needed and give it every permission on the curated apps."""
    group, _ = Group.objects.get_or_create(name=CONSULTANTS_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=CONSULTANT_APPS)
    group.permissions.set(perms)
    return group


def user_credentials_revoke(*, user: User) -> int:
    """Revoke every API token and secret link USER holds, and drop a pending address change (whoever had the old
    password may have asked for it); returns how many tokens were revoked.

    Bulk updates send no signals, so the accounts generation is bumped here: a cached token stops working at once.
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    email_change_drop(user=user)
    secret_links_revoke(user=user)
    generations_bump("accounts")
    return revoked


# What apps above portal do when a user's password changes, registered from their AppConfig.ready() (alerts switches
# off the user's webhook endpoints): portal cannot import them, and every password change comes through here. Each
# returns a sentence telling the user what it did, or None when it did nothing.
PASSWORD_CHANGE_HOOKS: list[Callable[[User], str | None]] = []


@transaction.atomic
def user_password_changed(*, user: User) -> list[str]:
    """After USER's password changed: whoever had the old one may have minted tokens, feed links or webhook endpoints
    (PASSWORD_CHANGE_HOOKS), so all go. Returns what to tell the user, a sentence for each kind of thing that went."""
    revoked = user_credentials_revoke(user=user)
    said = []
    if revoked:
        said.append(
            ngettext(
                "Your API token was revoked: make a new one on the API tokens page.",
                "Your %(count)d API tokens were revoked: make new ones on the API tokens page.",
                revoked,
            )
            % {"count": revoked}
        )
    for hook in PASSWORD_CHANGE_HOOKS:
        if sentence := hook(user):
            said.append(sentence)
    return said


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Deactivate USER, revoking their tokens and secret links; never a bulk update, which caches would not see."""
    user.is_active = False
    user.save(update_fields=["is_active"])  # the save bumps the accounts generation (portal.generations.watch)
    user_credentials_revoke(user=user)


def email_taken(email: str, *, other_than: User | None = None) -> bool:
    """True if an account other than OTHER_THAN already has EMAIL (letter case aside)."""
    others = User.objects.filter(email__iexact=email.strip())
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    return others.exists()


@transaction.atomic
def user_create(*, username: str, email: str, consultant: bool = False) -> tuple[User, str]:
    """A new active user with EMAIL and a random password, returned once (they change it after signing in).

    Consultants also get the admin (is_staff) and the consultants group; nobody gets superuser here.
    """
    username, email = username.strip(), email.strip()
    errors: dict[str, list[str]] = {}
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        errors["username"] = error.messages
    username_max = User._meta.get_field("username").max_length or 150
    email_max = User._meta.get_field("email").max_length or 254
    if not username:
        errors["username"] = ["Give a username."]
    elif len(username) > username_max:
        errors["username"] = [f"A username has at most {username_max} characters."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"A user named {username!r} already exists."]
    try:
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    if len(email) > email_max:
        errors["email"] = [f"An email address has at most {email_max} characters."]
    elif email_taken(email):
        errors["email"] = ["Another account already uses this email address."]
    if errors:
        raise ValidationError(errors)
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=username, email=email, password=password, is_staff=consultant)
    if consultant:
        user.groups.add(consultants_group_ensure())
    return user, password


def email_checked(email: str) -> str:
    """EMAIL, stripped, if it is an address; ValidationError naming `email` if not."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    return email


def user_email_check(*, user: User, email: str) -> str:
    """EMAIL, stripped, if USER may use it; ValidationError naming `email` if it is not an address or another
    account uses it."""
    email = email_checked(email)
    if email_taken(email, other_than=user):
        # One address, one account: digests for one firm's staff must not be sent to another person's inbox.
        raise ValidationError({"email": _("Another account already uses this email address.")})
    return email


@transaction.atomic
def user_email_set(*, user: User, email: str) -> User:
    """Make EMAIL USER's address at once (user_email_check's rules), dropping any pending change. Users change
    their own through alerts.addresses, which first sends a link to the new address."""
    email = user_email_check(user=user, email=email)
    if email != user.email:
        user.email = email
        user.save(update_fields=["email"])
    email_change_drop(user=user)
    return user


EMAIL_CONFIRM_KIND = "email_confirm"  # the outbox kind of the message that carries an address's confirmation link


def email_change_drop(*, user: User) -> None:
    """Forget USER's pending address change: its link stops working, and a message carrying it that is not sent
    yet (waiting, or in a sender's hands) is cancelled."""
    EmailChange.objects.filter(user=user).delete()
    secret_links_revoke(user=user, purpose=SecretLink.Purpose.EMAIL)
    OutboxMessage.objects.filter(
        user=user,
        kind=EMAIL_CONFIRM_KIND,
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING],
    ).update(status=OutboxMessage.Status.CANCELLED, last_error="replaced by a newer request, confirmed or revoked")
