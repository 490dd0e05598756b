"""Change history as pages show it: when and what changed to everyone, who and why to consultants only.

Reasons are free text written by consultants for consultants, and usernames name them; neither is for the public
or for firms' staff (issue 17, finding 6).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from portal.reasons import reason_text
from portal.text import labelled, localised, punct


@dataclass(frozen=True)
class HistoryRow:
    """One change: when, what kind, which fields; WHO and WHY only when the viewer may see them."""

    when: datetime.datetime
    kind: str
    fields: list[str] = field(default_factory=list)
    who: str | None = None
    why: str | None = None


HIDDEN_ROOM = 3


def history_rows(history: QuerySet, *, limit: int, disclose: bool) -> list[HistoryRow]:
    """The LIMIT latest rows of HISTORY (a simple-history manager or queryset), newest first.

    Each row names the fields that changed since the row before it. DISCLOSE adds who made the change and why; a
    reason the code wrote (stored in English, e.g. "Edited in the portal") reads in the reader's language, a typed
    one as typed.
    The many-to-many snapshots (areas and their weights, certifications, ...) are read once per field for all the
    rows, not twice per row as `diff_against` would.
    """
    # A row that changed nothing (a record verified again the same day) says something only through its reason and
    # author, which readers not DISCLOSEd to never see ("Changed —" would tell them nothing): they skip such rows,
    # and up to HIDDEN_ROOM times LIMIT rows are read so that they still see LIMIT rows where there are that many.
    read = limit if disclose else limit * HIDDEN_ROOM
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: read + 1])
    candidates = records[:read]
    snapshots = _m2m_snapshots(records)
    fields = [
        _changed_fields(record, records[index + 1] if index + 1 < len(records) else None, snapshots)
        for index, record in enumerate(candidates)
    ]
    # Whether every row up to the first is read: then a child row older than all of them is still this page's.
    since = None if len(records) <= read else candidates[-1].history_date
    orphans = _children_named(candidates, fields, since=since)
    rows = [
        (
            record.history_date,
            HistoryRow(
                when=record.history_date,
                kind=record.get_history_type_display(),
                fields=changed,
                who=_who(record) if disclose else None,
                why=_why(record) if disclose else None,
            ),
        )
        for record, changed in zip(candidates, fields, strict=True)
        if disclose or changed or record.history_type != "~"
    ]
    for children, named in orphans:  # shown as the record's edits are: "Changed" (変更)
        first, kind = children[0], changed_kind(candidates[0])
        who, why = (_who(first), _why(first)) if disclose else (None, None)
        rows.append((first.history_date, HistoryRow(first.history_date, kind, named, who, why)))
    rows.sort(key=lambda row: row[0], reverse=True)
    return [row for _when, row in rows[:limit]]


def children_changed(records: list) -> tuple[list[list[str]], list[tuple[list, list[str]]]]:
    """For each of RECORDS (every history row of one record, newest first), the child rows its edit changed, in
    words ("Sources (added: ATLA notice)"), which the admin's history lists beside the record's own diff; and the
    child rows no edit of the record wrote (a source edited on its own page), grouped by save as (rows, [words]),
    which it lists as entries of their own, as the record's page does (`history_rows`)."""
    fields: list[list[str]] = [[] for _ in records]
    orphans = _children_named(records, fields, since=None) if records else []
    return fields, orphans


def changed_kind(record: Any) -> str:
    """ "Changed" (変更) as RECORD's history model names the kind of an edit: what an entry of child rows reads."""
    return str(dict(type(record)._meta.get_field("history_type").flatchoices)["~"])


# One save writes the record's history row, then its children's, within one request: a child row belongs to the
# record's row just before it only this close to it (a source edited on its own page days later is not that edit's).
SAME_SAVE = datetime.timedelta(seconds=5)


def _children_named(records: list, fields: list[list[str]], *, since: datetime.datetime | None) -> list[tuple]:
    """Name in FIELDS the child rows each edit of RECORDS changed, beside the fields of its own it names; return the
    child rows no shown row wrote (dated from SINCE, all if None), grouped by save: (its rows, [its words]).

    Editing a record's sources in the admin writes the record a row (its reason names the sources) that shows none
    of them; readers not shown the reason would read "Changed" naming nothing, or only the areas an edit of both
    changed. A model lists such children in `history_children` (an opportunity's "sources"). A child's history row
    belongs to the record's row written just before it, in the same save (SAME_SAVE), by the same person with the
    same reason (programmes.admin saves the record, then its sources). A source edited on its own admin page or by a
    curated reload that left the record alone has no such row: it is an entry of its own. One query per child.
    """
    model = records[0].instance_type if records else None
    if model is None:
        return []
    orphans: list[tuple] = []
    for name in getattr(model, "history_children", ()):
        relation = model._meta.get_field(name)
        label = str(capfirst(relation.related_model._meta.verbose_name_plural))
        child_history = getattr(relation.related_model, relation.related_model._meta.simple_history_manager_attribute)
        children = child_history.filter(**{relation.field.attname: getattr(records[0], model._meta.pk.attname)})
        if since is not None:
            children = children.filter(history_date__gte=since)
        mine: dict[int, list] = {}
        alone: list[list] = []
        for child in children.order_by("history_date", "history_id"):
            parent = _parent_of(child, records)
            if parent is not None:
                mine.setdefault(parent, []).append(child)
            elif alone and _same_save(alone[-1][0], child):
                alone[-1].append(child)
            else:
                alone.append([child])
        for i, rows in mine.items():
            if records[i].history_type == "~":  # a creation's sources are part of "Created"
                fields[i].append(_children_changed(label, rows))
        orphans += [(rows, [_children_changed(label, rows)]) for rows in alone]
    return orphans


def _parent_of(child: Any, records: list) -> int | None:
    """The index in RECORDS (newest first) of the record's row written in the same save as CHILD, if shown."""
    for i, record in enumerate(records):
        if record.history_date <= child.history_date:
            return i if _same_save(record, child) else None
    return None


def _same_save(first: Any, later: Any) -> bool:
    """Whether history row LATER was written in the same save as FIRST: same person, same reason, SAME_SAVE apart."""
    return (
        later.history_date - first.history_date <= SAME_SAVE
        and first.history_user_id == later.history_user_id
        and first.history_change_reason == later.history_change_reason
    )


def _children_changed(field: str, children: list) -> str:
    """FIELD with the child records CHILDREN (history rows) added, changed and removed: "Sources (changed: ATLA)"."""
    kinds = {"+": gettext("added"), "~": gettext("changed"), "-": gettext("removed")}
    parts = []
    for kind, wording in kinds.items():
        names = sorted({localised(child.instance) for child in children if child.history_type == kind})
        if names:
            parts.append(labelled(wording, punct(",").join(names)))
    return f"{field}{punct(' (')}{punct('|').join(parts)}{punct(')')}"


def history_links(model: type[models.Model]) -> frozenset[str]:
    """The many-to-many fields MODEL's history rows snapshot (simple-history's `m2m_fields`). A change to any other
    link shows in no row, so a row written for it alone would read as a change of nothing."""
    history = getattr(model, model._meta.simple_history_manager_attribute)  # type: ignore[attr-defined]
    return frozenset(field.name for field in history.model._history_m2m_fields)


def saving_changes_nothing(record: models.Model) -> bool:
    """True when RECORD is already stored and every column it would write equals the stored row.

    The services ask this before saving an edit: a save that changes nothing would write a history row naming no
    change ("Edited", no fields), which consultants read as noise in the record's audit trail. Columns set by the
    clock on save (`auto_now`) are left out; links (many-to-many, inlines) are the caller's to compare.
    """
    if record.pk is None or record._state.adding:
        return False
    stored = type(record)._default_manager.filter(pk=record.pk).first()
    if stored is None:
        return False
    # Each side read through the model's own fields, so a stored "AU,US" and a list of countries compare alike.
    return all(
        field.value_from_object(stored) == field.value_from_object(record)
        for field in record._meta.concrete_fields
        if not field.primary_key and not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False)
    )


@dataclass
class Snapshot:
    """A tracked many-to-many field's rows per history row, comparable, and which column names the linked record."""

    rows: dict[int, list[tuple]]  # history_id -> its rows
    target: int  # the index, in each row, of the linked record's id
    model: type[models.Model]  # the linked records' model (a technology area, a certification, ...)
    weight: int | None = None  # the index of the link's weight, where links have one (a record's areas)
    names: dict[int, str] | None = None  # the linked records' names, read once for the page when a link changed

    def name_of(self, pk: int) -> str | None:
        """The linked record PK's name in the reader's language (None when it was deleted since)."""
        if self.names is None:
            pks = {row[self.target] for rows in self.rows.values() for row in rows}
            self.names = {pk: localised(obj) for pk, obj in self.model._default_manager.in_bulk(list(pks)).items()}
        return self.names.get(pk)


Snapshots = dict[str, Snapshot]  # m2m field -> its snapshot


def _m2m_snapshots(records: list) -> Snapshots:
    """Every tracked many-to-many field's snapshot rows of RECORDS, one query per field."""
    if not records:
        return {}
    ids = [record.history_id for record in records]
    snapshots: Snapshots = {}
    for tracked in records[0]._history_m2m_fields:
        model = getattr(records[0], tracked.name).model
        columns = [f for f in model._meta.fields if f.name not in ("m2m_history_id", "history", "id")]
        names = [f.attname for f in columns]
        target = next(
            (i for i, f in enumerate(columns) if f.is_relation and f.related_model is tracked.related_model),
            0,
        )
        by_record: dict[int, list[tuple]] = {history_id: [] for history_id in ids}
        for row in model.objects.filter(history_id__in=ids).values_list("history_id", *names):
            by_record[row[0]].append(tuple(row[1:]))
        snapshots[tracked.name] = Snapshot(
            rows={history_id: sorted(rows, key=repr) for history_id, rows in by_record.items()},
            target=target,
            model=tracked.related_model,
            weight=names.index("weight") if "weight" in names else None,
        )
    return snapshots


def _changed_fields(record, previous, snapshots: Snapshots) -> list[str]:
    """The names of the fields RECORD changed since PREVIOUS; a linked field says which records it added, removed or
    changed ("Technology areas (added: Space)")."""
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    named = {
        change.field: _name(model, change.field)
        for change in record.diff_against(previous, excluded_fields=list(snapshots)).changes
    }
    for name, snapshot in snapshots.items():
        now, before = snapshot.rows[record.history_id], snapshot.rows[previous.history_id]
        if now != before:
            named[name] = _links_changed(_name(model, name), snapshot, now, before)
    order = [field.name for field in model._meta.get_fields()]
    return [named[name] for name in sorted(named, key=lambda n: order.index(n) if n in order else len(order))]


def _name(model, field: str) -> str:
    return str(capfirst(model._meta.get_field(field).verbose_name))


def _links_changed(field: str, snapshot: Snapshot, now: list[tuple], before: list[tuple]) -> str:
    """FIELD with the linked records added, removed and changed (a weight) between BEFORE and NOW, named in the
    reader's language; records deleted since are left out of the names."""
    rows_now = {row[snapshot.target]: row for row in now}
    rows_before = {row[snapshot.target]: row for row in before}
    ids = {
        "added": [pk for pk in rows_now if pk not in rows_before],
        "removed": [pk for pk in rows_before if pk not in rows_now],
        "changed": [pk for pk in rows_now if pk in rows_before and rows_now[pk] != rows_before[pk]],
    }
    wording = {"added": gettext("added"), "removed": gettext("removed"), "changed": gettext("changed")}

    def named(change: str, pk: int) -> str | None:
        name = snapshot.name_of(pk)
        if name is None or change != "changed" or snapshot.weight is None:
            return name
        old, new = rows_before[pk][snapshot.weight], rows_now[pk][snapshot.weight]
        return gettext("%(name)s, weight %(old)s → %(new)s") % {
            "name": name,
            "old": f"{old:.2f}".rstrip("0").rstrip("."),
            "new": f"{new:.2f}".rstrip("0").rstrip("."),
        }

    parts = []
    for change, pks in ids.items():
        names = sorted(name for name in (named(change, pk) for pk in pks) if name is not None)
        if names:
            parts.append(labelled(wording[change], punct(",").join(names)))
    if not parts:
        return field
    return f"{field}{punct(' (')}{punct('|').join(parts)}{punct(')')}"


def _why(record) -> str:
    return reason_text(record.history_change_reason)


def _who(record) -> str:
    user = record.history_user
    return user.get_username() if user is not None else ""


def history_value(field: models.Field | Any, value: Any) -> Any:
    """A value of FIELD as the admin's history diffs show it in the reader's language: a choice by its label, a
    date in the locale's format, yes or no, and "none" for nothing (rather than draft, 2026-11-24, True, None)."""
    if value is None or value == "" or value == [] or (isinstance(value, DeletedObject) and value.pk is None):
        return gettext("none")  # a foreign key that was empty reaches here as a "deleted" object with no pk
    if isinstance(value, DeletedObject):
        return gettext("deleted record")  # the linked record (a user, an area) was deleted since
    if isinstance(value, models.Model):
        return localised(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices and not isinstance(value, list | dict):
        return str(choices.get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return value


class ReadableChanges(HistoricalRecordContextHelper):
    """simple-history's diff lines ("Status: draft → published") with each value as `history_value` words it, and
    linked records (technology areas, organisations) by their names in the reader's language, in full."""

    def __init__(self, model: type[models.Model], historical_record: Any) -> None:
        super().__init__(model, historical_record, max_displayed_delta_change_chars=1000)

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        prepared = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.many_to_many and isinstance(prepared, list):
            # A link with a weight (a record's areas) shows it: a change of weight alone is then visible.
            weights = [row.get("weight") if isinstance(row, dict) else None for row in value or []]
            names = sorted(
                _weighted(str(history_value(field, _linked(field, obj))), weight)
                for obj, weight in zip(prepared, weights + [None] * (len(prepared) - len(weights)), strict=False)
            )
            return punct(",").join(names) if names else gettext("none")
        return history_value(field, prepared)


def _weighted(name: str, weight: Any) -> str:
    if not isinstance(weight, int | float):
        return name
    return f"{name}{punct(' (')}{weight:.2f}".rstrip("0").rstrip(".") + punct(")")


def _linked(field: Any, value: Any) -> Any:
    """A many-to-many snapshot's linked record: the record itself, or its id when the snapshot kept only that; a
    DeletedObject when it has been deleted since."""
    if isinstance(value, models.Model | DeletedObject):
        return value
    found = field.related_model._default_manager.filter(pk=value).first()
    return found if found is not None else DeletedObject(field.related_model, value)
