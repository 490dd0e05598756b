"""New and moved matches: found per stored chunk, vectorised, and written as change events in its transaction.

Issue 15. `match.created`: a firm's score for a record reaches the firm's alert threshold for the first time (a
pair that was at or above it before, dropped and came back, is not new again: it may be `match.moved`).
`match.moved`: the score moved by MOVE_POINTS or more from the one the firm was last told (its last created or
moved event's score; the stored score for a pair never announced), and the told or the new score is at or above the
threshold; the event's `old_score` is that told score. Its "what moved" items are the component deltas from the row
the firm was told, so they add up to old -> new (less components that moved under a point), and the record change
that caused them, if the record changed since the firm was told. Both events keep the told row's `parts`
(matching.parts' stored form) in their data for that, a key for this module only (the change feed and webhooks
leave it out); an event written before 5 December 2026 has none (`_stored_reference`).
matching.store calls `match_events_write` with the scores stored before the chunk's write, while the old rows are
still there, so the events commit or roll back with the rows.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Max, Subquery
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import Company
from matching.items import item
from matching.models import Match
from matching.parts import components_of
from matching.record import StoredMatch
from portal.changes import changes_record_bulk
from portal.models import ChangeEvent
from programmes.models import Opportunity

CREATED, MOVED = "match.created", "match.moved"
RECORD_CHANGED = "opportunity.changed"
PARTS = "parts"  # the told row's parts in a match event's data: read here, not shown to readers
MOVE_POINTS = 10.0  # issue 15: "a match whose score moved by 10 points or more"
COMPONENT_POINTS = 1.0  # smaller component deltas are rounding, not news

Pair = tuple[int, int]


class Told(NamedTuple):
    """What each moved row (by index) is measured from: the score the firm was told, when and with which parts (absent
    for a pair never told and for events older than `parts`), and the stored scores the chunk replaces."""

    score: np.ndarray
    at: Mapping[int, datetime.datetime]
    parts: Mapping[int, Any]
    previous: Mapping[Pair, float]


def match_events_write(*, previous: Mapping[Pair, float], records: Sequence[StoredMatch]) -> int:
    """Write the created and moved events of RECORDS against PREVIOUS (pair -> stored score); returns how many.

    A move is decided against the score the firm was last told (its last created or moved event's score), not the
    previous stored one: steps under MOVE_POINTS are never reported, so a later step must not be reported from a
    score the firm never saw ("82 -> 65" when it was told 65)."""
    if not records:
        return 0
    company = np.fromiter((r.company_id for r in records), dtype=np.int64, count=len(records))
    new = np.fromiter((r.score for r in records), dtype=np.float64, count=len(records))
    old = np.fromiter(
        (previous.get((r.company_id, r.opportunity_id), np.nan) for r in records), dtype=np.float64, count=len(records)
    )
    firms = {pk: (slug, threshold) for pk, slug, threshold in _firms(np.unique(company).tolist())}
    threshold = np.array([firms[pk][1] for pk in company.tolist()], dtype=np.float64)
    reached, was_at = new >= threshold, np.nan_to_num(old, nan=-1.0) >= threshold
    crossing = reached & ~was_at
    # Only a pair whose stored score changed (or is new) can be news: the told scores of the rest are not read.
    asked = np.nonzero(crossing | np.isnan(old) | (old != new))[0]
    told = _told([(records[i].company_id, records[i].opportunity_id) for i in asked.tolist()])
    told_score = old.copy()  # a pair never told keeps its stored score (stored before events existed, or below)
    told_at: dict[int, datetime.datetime] = {}
    told_parts: dict[int, Any] = {}
    for i in asked.tolist():
        last = told.get((records[i].company_id, records[i].opportunity_id))
        if last is not None:
            told_score[i], told_at[i], parts = last
            if parts is not None:
                told_parts[i] = parts
    created = [i for i in np.nonzero(crossing)[0].tolist() if i not in told_at]
    moved = move_is_news(told_score, new, threshold)  # False where there is no score to compare with (NaN)
    moved[created] = False
    moved_rows = np.nonzero(moved)[0].tolist()
    if not created and not moved_rows:
        return 0
    return _write(records, created, moved_rows, Told(told_score, told_at, told_parts, previous), firms)


def move_is_news(old: Any, new: Any, threshold: Any) -> Any:
    """The rule of a `match.moved`: the score moved by MOVE_POINTS or more, and the old or the new score is at or above
    the firm's alert threshold. Works on numbers and on whole arrays (a missing old score, NaN, is never a move); the
    digests apply it again to a match's moves netted over the digest's period (alerts.readers)."""
    return (np.abs(new - old) >= MOVE_POINTS) & ((old >= threshold) | (new >= threshold))


def _firms(ids: list[int]) -> list[tuple[int, str, int]]:
    return list(Company.objects.filter(pk__in=ids).values_list("pk", "slug", "alert_threshold"))


def _told(pairs: list[Pair]) -> dict[Pair, tuple[float, datetime.datetime, Any]]:
    """The score, time and parts (None in an event older than them; JSON text on PostgreSQL) of each of PAIRS' last
    `match.created` or `match.moved` event: what the firm was last told (one query; a pair never announced is
    absent)."""
    # A firm never told of any match (every firm at a first scoring) has nothing to look up: asking per firm first
    # spares a first full rescore about a million empty lookups.
    told_firms = _announced_firms({c for c, _ in pairs})
    pairs = [pair for pair in pairs if pair[0] in told_firms]
    if not pairs:
        return {}
    if connection.vendor == "postgresql":
        # Exactly these pairs, each one backward step of the (company_id, subject_id, id) index to its last
        # announcement: the cost follows the pairs asked, not how many events their firms gathered over the years.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.c, p.o, e.score, e.at, e.parts FROM unnest(%s::bigint[], %s::bigint[]) AS p(c, o) "
                "CROSS JOIN LATERAL (SELECT coalesce(data->'new_score', data->'score') AS score, created_at AS at, "
                f"(data->'{PARTS}')::text AS parts "
                f"FROM {ChangeEvent._meta.db_table} WHERE company_id = p.c AND subject_id = p.o "
                "AND kind IN (%s, %s) ORDER BY id DESC LIMIT 1) AS e",
                [[c for c, _ in pairs], [o for _, o in pairs], CREATED, MOVED],
            )
            # The parts stay text: only the few pairs that moved parse theirs (_write).
            return {(c, o): (float(score), at, parts) for c, o, score, at, parts in cursor.fetchall()}
    announced = ChangeEvent.objects.filter(
        kind__in=(CREATED, MOVED), company_id__in={c for c, _ in pairs}, subject_id__in={o for _, o in pairs}
    )
    last = announced.order_by().values("company_id", "subject_id").annotate(last=Max("id")).values("last")
    rows = ChangeEvent.objects.filter(id__in=Subquery(last)).values_list(
        "company_id", "subject_id", "data__score", "data__new_score", "created_at", f"data__{PARTS}"
    )
    wanted = set(pairs)
    return {
        (c, o): (float(new_score if new_score is not None else score), at, parts)
        for c, o, score, new_score, at, parts in rows
        if (c, o) in wanted
    }


def _write(
    records: Sequence[StoredMatch],
    created: list[int],
    moved: list[int],
    told: Told,
    firms: Mapping[int, tuple[str, int]],
) -> int:
    now = timezone.now()
    pairs = [(records[i].company_id, records[i].opportunity_id) for i in moved]
    # {} for an event without parts, or with parts of another engine's form.
    told_components = {i: components_of(_parsed(told.parts.get(i))) for i in moved}
    # The stored rows are read only for the moves whose told event has no parts (a pair never told, an older event).
    before = _stored([pair for i, pair in zip(moved, pairs, strict=True) if not told_components[i]])
    # The record's changes since the firm was told (else since the old score was stored).
    since = {pair: told.at.get(i) or before.get(pair, ({}, None))[1] for i, pair in zip(moved, pairs, strict=True)}
    record_changes = _record_changes(pairs, since)
    opportunities = _opportunity_data({records[i].opportunity_id for i in created + moved})
    events: list[tuple[str, StoredMatch, str]] = []
    # A first full rescore announces hundreds of thousands of matches: their data is written as JSON text around
    # the stored parts and reasons, which are JSON text already, rather than parsed and dumped again.
    heads = {pk: json.dumps(data, ensure_ascii=False)[:-1] for pk, data in opportunities.items()}
    names = {pk: json.dumps(slug, ensure_ascii=False) for pk, (slug, _threshold) in firms.items()}
    for i in created:
        r = records[i]
        text = f'{heads[r.opportunity_id]}, "company": {names[r.company_id]}, "score": {round(r.score, 2)}, '
        events.append((CREATED, r, f'{text}"{PARTS}": {r.parts}, "items": {r.reasons}}}'))
    for i, pair in zip(moved, pairs, strict=True):
        r = records[i]
        parts = json.loads(r.parts)
        reference = told_components[i] or _stored_reference(
            float(told.score[i]), told.previous.get(pair), before.get(pair)
        )
        items = [] if reference is None else component_deltas(reference, components_of(parts))
        items += record_change_items(record_changes.get(pair))
        data = opportunities[r.opportunity_id] | {
            "company": firms[r.company_id][0],
            "old_score": round(float(told.score[i]), 2),
            "new_score": round(r.score, 2),
            "moved": items,
            PARTS: parts,
        }
        events.append((MOVED, r, json.dumps(data, ensure_ascii=False)))
    return _insert(events, now)


def _parsed(parts: Any) -> Any:
    """Told parts as read: JSON text from PostgreSQL, already parsed elsewhere."""
    return json.loads(parts) if isinstance(parts, str) else parts


def _stored_reference(
    told_score: float, stored_score: float | None, stored: tuple[dict[str, Any], datetime.datetime] | None
) -> dict[str, Any] | None:
    """The components to measure a move from when the told event keeps none: the stored row's, if it has the told
    score (a pair never told is compared with its stored score, so always), else None.

    Match events keep the told row's parts since 5 December 2026. For an older event whose pair has moved since, the
    told components are unknown, and deltas from another row would not add up to the move the firm reads: the event
    then says only the record's changes."""
    if stored is None or stored_score is None or abs(stored_score - told_score) >= 0.005:
        return None
    return stored[0]


def _announced_firms(ids: set[int]) -> set[int]:
    """Which of the firms IDS have ever been told of a match (one query)."""
    if not ids:
        return set()
    if connection.vendor == "postgresql":  # one step into the (company_id, ...) index per firm, not a scan of kinds
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c FROM unnest(%s::bigint[]) AS c WHERE EXISTS (SELECT 1 FROM "
                f"{ChangeEvent._meta.db_table} WHERE company_id = c AND kind IN (%s, %s))",
                [sorted(ids), CREATED, MOVED],
            )
            return {c for (c,) in cursor.fetchall()}
    told = ChangeEvent.objects.filter(kind__in=(CREATED, MOVED), company_id__in=ids)
    return set(told.values_list("company_id", flat=True).distinct())


def _stored(pairs: list[Pair]) -> dict[Pair, tuple[dict[str, Any], datetime.datetime]]:
    """Components and computed_at of the stored rows of PAIRS, before they are replaced."""
    if not pairs:
        return {}
    if connection.vendor == "postgresql":  # exactly these pairs, not every row of their firms and records
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT company_id, opportunity_id, parts::text, computed_at FROM {Match._meta.db_table} "
                "WHERE (company_id, opportunity_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [[c for c, _ in pairs], [o for _, o in pairs]],
            )
            return {(c, o): (components_of(json.loads(parts)), at) for c, o, parts, at in cursor.fetchall()}
    rows = Match.objects.filter(
        company_id__in={c for c, _ in pairs}, opportunity_id__in={o for _, o in pairs}
    ).values_list("company_id", "opportunity_id", "parts", "computed_at")
    wanted = set(pairs)
    return {(c, o): (components_of(parts), at) for c, o, parts, at in rows if (c, o) in wanted}


def _record_changes(pairs: list[Pair], since: Mapping[Pair, datetime.datetime | None]) -> dict[Pair, dict[str, Any]]:
    """Each pair's latest `opportunity.changed` event after its time in SINCE (one query)."""
    times = [at for at in since.values() if at is not None]
    if not times:
        return {}
    events = ChangeEvent.objects.filter(
        kind=RECORD_CHANGED, subject_id__in={o for _, o in pairs}, created_at__gt=min(times)
    ).order_by("created_at", "id")
    latest: dict[int, list[tuple[datetime.datetime, dict[str, Any]]]] = {}
    for subject, at, changes in events.values_list("subject_id", "created_at", "changes"):
        latest.setdefault(subject, []).append((at, changes))
    found = {}
    for pair in pairs:
        after = since.get(pair)
        later = [changes for at, changes in latest.get(pair[1], []) if after is not None and at > after]
        if later:
            found[pair] = later[-1]
    return found


def component_deltas(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, object]]:
    """`moved_component` items, largest first, for components whose contribution moved by COMPONENT_POINTS or more."""
    deltas = []
    for name, part in new.items():
        before = float((old.get(name) or {}).get("contribution", 0.0))
        after = float(part.get("contribution", 0.0))
        if abs(after - before) >= COMPONENT_POINTS:
            deltas.append((abs(after - before), name, before, after))
    deltas.sort(key=lambda row: (-row[0], row[1]))
    return [item("moved_component", component=name, old=round(b, 1), new=round(a, 1)) for _, name, b, a in deltas]


def record_change_items(changes: Mapping[str, Mapping[str, Any]] | None) -> list[dict[str, object]]:
    """What changed in the record that moved the score: areas it now lists or dropped, its minimum TRL, the rest."""
    if not changes:
        return []
    changes = dict(changes)
    items = []
    areas = changes.pop("technology_areas", None)
    weights = changes.pop("area_weights", None)
    if weights and _weights_moved(weights):  # an area added or dropped is said below; a weight that moved is not
        changes["area_weights"] = weights
    if areas:
        old_areas, new_areas = set(areas.get("old") or []), set(areas.get("new") or [])
        items += [item("record_lists_area", area=slug) for slug in sorted(new_areas - old_areas)]
        items += [item("record_drops_area", area=slug) for slug in sorted(old_areas - new_areas)]
    trl = changes.pop("min_trl", None)
    if trl and trl.get("old") is None:
        items.append(item("record_min_trl_set", new=trl.get("new")))
    elif trl and trl.get("new") is None:
        items.append(item("record_min_trl_dropped"))
    elif trl:
        items.append(item("record_min_trl", old=trl.get("old"), new=trl.get("new")))
    if changes:
        items.append(item("record_fields_changed", fields=sorted(changes)))
    return items


def _weights_moved(change: Mapping[str, Any]) -> bool:
    """Whether an `area_weights` change moved the weight of an area the record lists both before and after."""
    old, new = change.get("old") or {}, change.get("new") or {}
    return any(old[slug] != new[slug] for slug in old.keys() & new.keys())


def _opportunity_data(ids: set[int]) -> dict[int, dict[str, str]]:
    """Slug, titles and page path of each opportunity (one query; paths in the default language)."""
    rows = Opportunity.objects.filter(pk__in=ids).values_list("pk", "slug", "title", "title_ja")
    with translation.override(settings.LANGUAGE_CODE):
        placeholder = "0-slug-0"
        path = reverse("programmes:opportunity_detail", kwargs={"slug": placeholder})
    return {
        pk: {"slug": slug, "title": title, "title_ja": title_ja, "url": path.replace(placeholder, slug)}
        for pk, slug, title, title_ja in rows
    }


def _insert(events: list[tuple[str, StoredMatch, str]], now: datetime.datetime) -> int:
    """Append EVENTS (their data as JSON text): one COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        return changes_record_bulk(
            ChangeEvent(
                kind=kind, subject_type="opportunity", subject_id=r.opportunity_id, company_id=r.company_id,
                data=json.loads(data), created_at=now,
            )
            for kind, r, data in events
        )  # fmt: skip
    buffer = io.StringIO()
    stamp = now.isoformat()
    for kind, r, data in events:
        text = data.replace("\\", "\\\\")  # COPY text format: backslashes doubled
        buffer.write(f"{kind}\topportunity\t{r.opportunity_id}\t{r.company_id}\t{{}}\t{text}\t{stamp}\n")
    columns = "kind, subject_type, subject_id, company_id, changes, data, created_at"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {ChangeEvent._meta.db_table} ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    return len(events)
