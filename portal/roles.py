"""Who a user is to Kakehashi: a consultant who curates, or staff of one or more firms."""

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

CONSULTANTS_GROUP = "consultants"
# Whoever is looking: a signed-in user or the anonymous one (what request.user holds).
Viewer: TypeAlias = User | AnonymousUser


def is_consultant(user: User | AnonymousUser | None) -> bool:
    """Consultants (members of the consultants group) and superusers curate everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_kakehashi_is_consultant", None)
    if cached is None:
        cached = user.groups.filter(name=CONSULTANTS_GROUP).exists()
        user._kakehashi_is_consultant = cached
    return cached


def role_of(user: User | AnonymousUser | None) -> str:
    """'consultant', 'staff' or 'anonymous', as the API's me/ endpoint reports it."""
    if is_consultant(user):
        return "consultant"
    if user is not None and user.is_authenticated:
        return "staff"
    return "anonymous"
