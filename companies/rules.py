"""Which profile fields each role may write: one rule for the web form, the API and the admin (issue 17, finding 1).

A firm's identity (its name, slug, country, size, founding year and the source it was taken from) is set by
consultants: the matcher scores on country and size, and a firm that could rename itself could pose as another.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.roles import is_consultant

# The profile's own columns a caller may set (companies.services `data`, the admin's form) and the ones a version
# covers (companies.versions); the two relations, areas and certifications, are handled apart.
PROFILE_FIELDS = (
    "slug",
    "name",
    "country",
    "size",
    "founded",
    "website",
    "description",
    "trl",
    "export_control_notes",
    "itar_controlled",
    "ear_controlled",
    "dsgl_controlled",
    "japan_presence",
    "contact_email",
    "source_url",
    "alert_threshold",
)
# Consultants only.
RESERVED_FIELDS = ("slug", "name", "country", "size", "founded", "source_url")
# What a firm's own editors may change.
EDITOR_FIELDS = (
    "description",
    "website",
    "technology_areas",
    "trl",
    "certifications",
    "export_control_notes",
    "itar_controlled",
    "ear_controlled",
    "dsgl_controlled",
    "japan_presence",
    "contact_email",
    "alert_threshold",
)
# Certifications a firm may list, on the form and through the API (bounded inputs, finding 3).
CERTIFICATIONS_MAX = 30
RESERVED_MESSAGE = _("Only Kakehashi's consultants may change this field.")


def reserved_for(user: User | AnonymousUser | None) -> tuple[str, ...]:
    """The fields USER may not write: none for consultants (and for commands, which run as nobody)."""
    if user is None or is_consultant(user):
        return ()
    return RESERVED_FIELDS


def reserved_fields_check(*, user: User | AnonymousUser | None, sent: Iterable[str]) -> None:
    """Raise ValidationError naming each reserved field in SENT that USER may not write."""
    refused = sorted(set(sent) & set(reserved_for(user)))
    if refused:
        raise ValidationError({name: RESERVED_MESSAGE for name in refused})


def unchanged_fields(*, before: Any, after: Mapping[str, Any]) -> set[str]:
    """The profile fields in AFTER that keep BEFORE's stored value. These are not judged again on an update: a value
    stored under an older rule (an http:// website from before the https-only rule, a founding year the API once
    took, a name another firm has since been given) must not block an edit of something else. The service, the
    profile form and the admin's form all ask here; a new value is judged by today's rules."""
    return {name for name in PROFILE_FIELDS if name in after and after[name] == getattr(before, name)}


def reserved_changes(*, before: Any, after: Mapping[str, Any]) -> list[str]:
    """The reserved fields whose value in AFTER differs from BEFORE's (a round trip of the same value is fine)."""
    return [name for name in RESERVED_FIELDS if name in after and after[name] != getattr(before, name)]
