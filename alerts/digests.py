"""Building digests: for each user due, what happened since their last one, written as one outbox email row.

A user's place in the change feed (`NotificationSettings.feed_txid/feed_event_id`), their saved searches' baselines
and the digest's outbox row are written in one transaction, so a digest is either queued with everything it reports
marked as reported, or not at all. The row's key `digest:<user>:<period>:<period start>` makes a second run in the
same period send nothing (issue 15). Empty digests are not queued, but the place still moves on.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alerts.models import NotificationSettings, SavedSearch
from alerts.preferences import feed_head
from alerts.readers import EVENT_KINDS, EventIndex, Reader, digest_items, readers_load
from alerts.searches import saved_search_new_results
from companies.models import Membership
from portal.changes import settled_filter
from portal.models import ChangeEvent, OutboxMessage
from portal.outbox import outbox_key, outbox_put_many
from programmes.models import Opportunity

PERIODS = ("daily", "weekly")
BATCH = 500
# A digest that could not be delivered for this long is out of date; the next one reports what it held.
DIGEST_LIFETIME = {"daily": dt.timedelta(hours=24), "weekly": dt.timedelta(days=7)}


@dataclass
class DigestRun:
    """What one run of send_digests did for one period: users looked at, digests queued, empty ones skipped."""

    period: str
    start: dt.date
    results: dict[str, set[int]] = field(default_factory=dict, repr=False)  # each saved query's results, run once
    users: int = 0
    queued: int = 0
    empty: int = 0
    already: int = 0


def period_start(period: str, day: dt.date | None = None) -> dt.date:
    """The first day of the PERIOD containing DAY (today in Japan): the day itself, or its week's Monday."""
    day = day or timezone.localdate()
    return day if period == "daily" else day - dt.timedelta(days=day.weekday())


def digest_key(user_id: int, period: str, start: dt.date) -> str:
    return outbox_key("digest", user_id, period, start.isoformat())


def settings_ensure() -> int:
    """Give every active user who belongs to a firm or saved a search their default settings, reading from now on."""
    wanted = (
        User.objects.filter(is_active=True, notification_settings__isnull=True)
        .filter(Q(pk__in=Membership.objects.values("user_id")) | Q(pk__in=SavedSearch.objects.values("user_id")))
        .values_list("pk", flat=True)
    )
    txid, event_id = feed_head()
    rows = [NotificationSettings(user_id=pk, feed_txid=txid, feed_event_id=event_id) for pk in wanted]
    NotificationSettings.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def due_user_ids(period: str) -> list[int]:
    """Users whose digest of PERIOD may hold something: that is their frequency, or they saved a search at it."""
    on = NotificationSettings.objects.exclude(frequency=NotificationSettings.Frequency.OFF).filter(user__is_active=True)
    ids = on.filter(
        Q(frequency=period) | Q(user_id__in=SavedSearch.objects.filter(frequency=period).values("user_id"))
    ).values_list("user_id", flat=True)
    return sorted(ids)


def _events(after: tuple[int, int], head: tuple[int, int]) -> list[ChangeEvent]:
    """Settled events of the kinds digests report, after AFTER up to and including HEAD, in feed order."""
    events = settled_filter(ChangeEvent.objects.filter(kind__in=EVENT_KINDS))
    events = events.filter(Q(txid__gt=after[0]) | Q(txid=after[0], id__gt=after[1]))
    events = events.filter(Q(txid__lt=head[0]) | Q(txid=head[0], id__lte=head[1]))
    return list(events.only(*EVENT_FIELDS).order_by("txid", "id"))


EVENT_FIELDS = ("id", "kind", "subject_id", "company_id", "changes", "data", "created_at", "txid")


def _sections(settings: NotificationSettings) -> list[str]:
    return [name for name in ("followed", "matches", "notices") if getattr(settings, name)]


def _search_items(searches: Sequence[SavedSearch], new: dict[int, list[int]], records: dict[int, Any]) -> list[dict]:
    items, seen = [], set()
    for search in searches:
        for pk in new.get(search.pk, ()):
            record = records.get(pk)
            if record is not None and pk not in seen:  # a record two searches list is told once
                seen.add(pk)
                items.append(search_item(search, record))
    return items


def search_item(search: SavedSearch, record: Any) -> dict[str, Any]:
    """A new result of SEARCH as a digest or feed item."""
    slug, title, title_ja, created_at = record
    return {
        "section": "searches",
        "kind": "search.result",
        "search": search.name,
        "search_url": search.get_absolute_url(),
        "at": created_at.isoformat(),
        "title": title,
        "title_ja": title_ja,
        "url": reverse("programmes:opportunity_detail", kwargs={"slug": slug}),
    }


def _records(ids: Iterable[int]) -> dict[int, Any]:
    rows = Opportunity.objects.filter(pk__in=set(ids)).values_list("pk", "slug", "title", "title_ja", "created_at")
    return {pk: rest for pk, *rest in rows}


def digest_build(
    *, settings: NotificationSettings, reader: Reader, index: EventIndex, searches: Sequence[SavedSearch],
    new: dict[int, list[int]], records: dict[int, Any], period: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """The items of one user's digest: saved-search results first, then followed records, matches and notices."""
    items = _search_items(searches, new, records) if settings.saved_searches else []
    if settings.frequency == period:
        position = (settings.feed_txid, settings.feed_event_id)
        events = index.for_reader(reader, sections=_sections(settings))
        items += digest_items([event for event in events if (event.txid, event.pk) > position])
    return items


def _message(user_id: int, period: str, start: dt.date, settings: NotificationSettings, items: list) -> OutboxMessage:
    now = timezone.now()
    return OutboxMessage(
        key=digest_key(user_id, period, start),
        channel=OutboxMessage.Channel.EMAIL,
        kind="digest",
        user_id=user_id,
        payload={"period": period, "start": start.isoformat(), "language": settings.language, "items": items},
        next_attempt_at=now,
        expires_at=now + DIGEST_LIFETIME[period],
    )


@transaction.atomic
def _digest_batch(user_ids: list[int], *, period: str, start: dt.date, head: tuple[int, int], run: DigestRun) -> None:
    """Queue the digests of USER_IDS in one transaction, holding their settings rows so no other run overlaps."""
    settings = {s.user_id: s for s in NotificationSettings.objects.select_for_update().filter(user_id__in=user_ids)}
    keys = {digest_key(pk, period, start): pk for pk in settings}
    done = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    run.already += len(done)
    for key in done:
        settings.pop(keys[key], None)
    if not settings:
        return
    readers = readers_load(settings)
    searches: dict[int, list[SavedSearch]] = defaultdict(list)
    for search in SavedSearch.objects.filter(user_id__in=settings, frequency=period).select_related("user"):
        searches[search.user_id].append(search)
    all_searches = [search for group in searches.values() for search in group]
    new = saved_search_new_results(all_searches, cache=run.results)
    records = _records(pk for ids in new.values() for pk in ids)
    low = min((s.feed_txid, s.feed_event_id) for s in settings.values())
    index = EventIndex(_events(low, head) if any(s.frequency == period for s in settings.values()) else [])
    messages, moved, told = [], [], []
    for user_id, user_settings in settings.items():
        items = digest_build(
            settings=user_settings, reader=readers[user_id], index=index, searches=searches.get(user_id, ()),
            new=new, records=records, period=period,
        )  # fmt: skip
        run.users += 1
        if items:
            messages.append(_message(user_id, period, start, user_settings, items))
        else:
            run.empty += 1
        if user_settings.frequency == period:
            moved.append(user_id)
            if items:
                told.append(user_id)
    run.queued += outbox_put_many(messages)
    # Every reader moves to the same place, so one UPDATE each, not a row-by-row bulk_update.
    NotificationSettings.objects.filter(user_id__in=moved).update(feed_txid=head[0], feed_event_id=head[1])
    NotificationSettings.objects.filter(user_id__in=told).update(last_digest_at=timezone.now())
    _baselines_advance(all_searches, new)


def _baselines_advance(searches: list[SavedSearch], new: dict[int, list[int]]) -> None:
    """Add each search's reported results to its baseline, so they are never reported again.

    Searches of one query usually end with the same baseline, so they are updated together, one UPDATE per baseline.
    """
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for search in searches:
        if new.get(search.pk):
            groups[tuple(sorted(set(search.baseline) | set(new[search.pk])))].append(search.pk)
    now = timezone.now()
    for baseline, ids in groups.items():
        SavedSearch.objects.filter(pk__in=ids).update(baseline=list(baseline), last_sent_at=now)


def digests_queue(*, period: str, day: dt.date | None = None, batch: int = BATCH) -> DigestRun:
    """Queue every due user's digest of PERIOD (one outbox row each; none for an empty one)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    start = period_start(period, day)
    run = DigestRun(period=period, start=start)
    settings_ensure()
    head = feed_head()
    user_ids = due_user_ids(period)
    for first in range(0, len(user_ids), batch):
        _digest_batch(user_ids[first : first + batch], period=period, start=start, head=head, run=run)
    return run
