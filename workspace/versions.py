"""Two people editing one pipeline entry: each change names the version of the entry it was drawn from, and a save
from an older version is refused (PipelineEntryConflict) or merged three ways into the form that asked for it.

workspace.services saves and removes entries through these checks; the page, the admin and the API read the
versions, labels and merges from here (docs/workspace.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.text import punct
from portal.versions import (
    ANY_VERSION,
    NO_RECORD,
    UNSET,
    Merge,
    VersionConflict,
    changed_fields,
    last_saved_by,
    record_version,
    three_way_merge,
    version_row,
)
from workspace.models import PipelineEntry

__all__ = ["ANY_VERSION", "ENTRY_FIELDS", "NO_ENTRY", "UNSET", "EntryMerge", "PipelineEntryConflict"]

# The fields of an entry a person edits, as its page's form, the admin and the history name them, each with its
# column (the owner is stored as its user's id): the one list the conflict check, the merge and the history read.
ENTRY_FIELDS = (("stage", "stage"), ("owner", "owner_id"), ("due_on", "due_on"), ("notes", "notes"))
# The form of an entry someone removed (portal.versions.NO_RECORD): saving it again adds the entry back.
NO_ENTRY = NO_RECORD
# What a refused form holds when drawn again from the entry as it is now (pipeline_entry_merge).
EntryMerge = Merge


class PipelineEntryConflict(VersionConflict):
    """A change drawn from an older version of the entry than the stored one: someone saved it in between, so the
    change is refused rather than written over theirs (optimistic concurrency). ENTRY is the entry as it is now (None
    once removed), CHANGED the fields that differ from the version the change was drawn from, BY who saved last."""

    def __init__(self, *, entry: PipelineEntry | None, changed: list[str], by: User | None) -> None:
        super().__init__(record=entry, changed=changed, by=by)
        self.entry = entry

    def said(self) -> str:
        """The refusal in the reader's language, naming who changed which fields (the page and the admin say it)."""
        if self.entry is None:
            return _(
                "This entry was removed from the pipeline after you opened it. Nothing was saved: save again to add "
                "it back with what you typed."
            )
        labels = punct(",").join(entry_field_label(name) for name in self.changed)
        return _(
            "%(who)s saved this entry after you opened it, changing: %(fields)s. Nothing was saved. The form now holds "
            "their changes and yours; where you both changed a field, it keeps what you typed and shows their value "
            "beside it. Save again to keep this version."
        ) % {"who": self.who(), "fields": labels}

    def said_on_removal(self) -> str:
        """The refusal of a removal drawn from an older version, naming who changed which fields."""
        if self.entry is None:
            return _("This entry had already been removed from the pipeline.")
        labels = punct(",").join(entry_field_label(name) for name in self.changed)
        return _(
            "%(who)s saved this entry after you opened it, changing: %(fields)s. It was not removed: check the entry "
            "as it is now, and remove it again if you still mean to."
        ) % {"who": self.who(), "fields": labels}

    def clash_said(self, name: str) -> str:
        """Beside field NAME, which both sides changed: the other side's value, and that the form keeps the user's."""
        assert self.entry is not None  # a removed entry has no values to show
        return _("%(who)s changed this meanwhile to: %(value)s. Your value is kept here.") % {
            "who": self.who(),
            "value": entry_value_said(self.entry, name),
        }


def entry_field_label(name: str) -> str:
    """The label of the entry's field NAME in the reader's language ("Notes")."""
    return str(capfirst(getattr(PipelineEntry._meta.get_field(name), "verbose_name", name)))


def entry_value_said(entry: PipelineEntry, name: str) -> str:
    """ENTRY's value of field NAME as a reader sees it: the stage's label, the owner's username, a date in words."""
    if name == "stage":
        return str(entry.get_stage_display())
    if name == "owner":
        return entry.owner.get_username() if entry.owner else "—"
    if name == "due_on":
        return date_format(entry.due_on, "DATE_FORMAT") if entry.due_on else "—"
    return str(getattr(entry, name)) or "—"


def _entry_values(entry: Any) -> dict[str, Any]:
    """The entry's (or its history row's) edited fields by name, as their columns store them."""
    return {name: getattr(entry, column) for name, column in ENTRY_FIELDS}


def pipeline_entry_merge(*, entry: PipelineEntry, version: str, posted: dict[str, Any]) -> EntryMerge:
    """Merge POSTED (a refused form's values by field) with ENTRY as it is now, three ways against the entry at
    VERSION, the one the form was drawn from (portal.versions.three_way_merge): a field the user left as it was takes
    the stored value, so saving again reverts nobody's change; a field the user changed keeps the user's value, and
    is a clash when the other side changed it too."""
    then = version_row(entry, version)
    mine = {name: _as_column(posted[name]) for name, _column in ENTRY_FIELDS if name in posted}
    return three_way_merge(mine=mine, theirs=_entry_values(entry), base=_entry_values(then) if then else None)


def _as_column(value: object) -> object:
    """A form's value as its column stores it: a user as its id, an empty text as the empty text."""
    return value.pk if isinstance(value, User) else value


def pipeline_entry_version(entry: PipelineEntry) -> str:
    """The token of the entry's current version (portal.versions.record_version)."""
    return record_version(entry)


def pipeline_entry_version_check(entry: PipelineEntry | None, version: str | None) -> None:
    """Refuse (PipelineEntryConflict) a change drawn from VERSION when ENTRY (locked; None: there is none) is no
    longer at it. ANY_VERSION needs an entry, NO_ENTRY needs none; None checks nothing."""
    if version is None or (version == ANY_VERSION and entry is not None) or (version == NO_ENTRY and entry is None):
        return
    if entry is None:
        raise PipelineEntryConflict(entry=None, changed=[], by=None)
    if version not in (ANY_VERSION, NO_ENTRY) and pipeline_entry_version(entry) == version:
        return
    # Without the version's history row (a token from elsewhere; an entry added meanwhile), every field is named.
    then = version_row(entry, version)
    changed = changed_fields(_entry_values(entry), _entry_values(then) if then is not None else None)
    raise PipelineEntryConflict(entry=entry, changed=changed, by=last_saved_by(entry))
