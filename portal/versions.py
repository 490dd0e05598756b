"""Two people editing one record at once (optimistic concurrency), for any record with an `updated_at` and a
simple-history `history` whose rows keep it: each change names the version of the record it was drawn from, a save
from an older version is refused, and the refused form is merged three ways with the record as it is now.

Pipeline entries (workspace.versions) and firm profiles (companies.versions) say what their fields are and how a
refusal reads; the version token, the check against the history and the merge live here (docs/portal.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

# Not given: a field the change leaves as it is (the services' keyword default), and no value at a version.
UNSET = object()
# Versions that name no one save: "any" (If-Match: *) needs the record to exist, NO_RECORD that there is none yet
# (If-None-Match: *, or the form of a record someone removed, so saving it again adds it back and no more).
ANY_VERSION, NO_RECORD = "*", "none"


def record_version(record: Any) -> str:
    """The token of RECORD's current version, which a form or an API client hands back with its change: every save
    gives a new one (its `updated_at`, to the microsecond)."""
    return record.updated_at.isoformat()


def version_row(record: Any, version: str) -> Any:
    """RECORD's history row as it stood at VERSION, or None (an unknown or malformed token)."""
    try:
        when = datetime.datetime.fromisoformat(version)
    except ValueError:
        return None
    if timezone.is_naive(when):
        return None
    return record.history.filter(updated_at=when).order_by("-history_date", "-history_id").first()


def last_saved_by(record: Any) -> User | None:
    """Who saved RECORD last, as its history says (None: it does not say)."""
    latest = record.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    return latest.history_user if latest is not None else None


class VersionConflict(Exception):
    """A change drawn from an older version of RECORD than the stored one: someone saved it in between, so the change
    is refused rather than written over theirs. RECORD is the record as it is now (None once removed), CHANGED the
    fields that differ from the version the change was drawn from, BY who saved last."""

    def __init__(self, *, record: Model | None, changed: list[str], by: User | None) -> None:
        super().__init__("The record changed since this change was drawn from it.")
        self.record, self.changed, self.by = record, changed, by

    def who(self) -> str:
        """Who saved last, or "Someone" when the history does not say."""
        return self.by.get_username() if self.by is not None else _("Someone")


def same(one: object, other: object) -> bool:
    """Whether two stored values are the same, a browser's CRLF line ends read as LF (a textarea posts CRLF)."""
    if isinstance(one, str) and isinstance(other, str):
        return one.replace("\r\n", "\n") == other.replace("\r\n", "\n")
    return one == other


def changed_fields(now: Mapping[str, Any], then: Mapping[str, Any] | None) -> list[str]:
    """The fields of NOW that differ from THEN (every one when THEN, the version's values, is not known)."""
    return [name for name, value in now.items() if then is None or not same(then.get(name, UNSET), value)]


@dataclass(frozen=True)
class Merge:
    """What a refused form holds when drawn again from the record as it is now (three_way_merge)."""

    values: dict[str, Any]  # field -> value the form now holds
    clashes: list[str]  # fields both sides changed: the form keeps the user's value, theirs is shown beside it


def three_way_merge(*, mine: Mapping[str, Any], theirs: Mapping[str, Any], base: Mapping[str, Any] | None) -> Merge:
    """Merge MINE (a refused form's values) with THEIRS (the record now), three ways against BASE (the version the
    form was drawn from): a field the user left as it was takes their value, so saving again reverts nobody's
    change; a field the user changed keeps the user's value, and is a clash when they changed it too. A set (ticked
    areas) merges item by item and a mapping (certifications and their expiries) key by key, so two people each
    ticking something both stand. Without BASE nothing is known to be untouched: every value of MINE is kept."""
    values: dict[str, Any] = {}
    clashes = []
    for name, my_value in mine.items():
        their_value = theirs.get(name, UNSET)
        old = base.get(name, UNSET) if base is not None else UNSET
        value, clash = _merge_one(my_value, their_value, old)
        values[name] = value
        if clash:
            clashes.append(name)
    return Merge(values, clashes)


def _merge_one(mine: Any, theirs: Any, base: Any) -> tuple[Any, bool]:
    """One field's merged value, and whether both sides changed it differently."""
    if same(mine, base):
        return theirs, False
    if base is not UNSET and all(isinstance(v, frozenset) for v in (mine, theirs, base)):
        return frozenset((theirs - (base - mine)) | (mine - base)), False
    if base is not UNSET and all(isinstance(v, Mapping) for v in (mine, theirs, base)):
        return _merge_mapping(mine, theirs, base)
    return mine, not same(theirs, base) and not same(theirs, mine)


def _merge_mapping(
    mine: Mapping[Any, Any], theirs: Mapping[Any, Any], base: Mapping[Any, Any]
) -> tuple[dict[Any, Any], bool]:
    """Mappings merged key by key (a key absent on a side is a value of its own); a clash where both sides changed
    one key differently, which keeps the user's."""
    merged: dict[Any, Any] = {}
    clash = False
    for key in [*mine, *(k for k in theirs if k not in mine), *(k for k in base if k not in mine and k not in theirs)]:
        value, clashed = _merge_one(mine.get(key, UNSET), theirs.get(key, UNSET), base.get(key, UNSET))
        clash |= clashed
        if value is not UNSET:
            merged[key] = value
    return merged, clash
