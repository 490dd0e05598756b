"""The change feed: the events a caller may read, one page at a time, in feed order (issue 15, docs/alerts.md).

Records and notices are public news; a firm's match events are read by the firm's own members only. Paging uses
portal.changes, whose opaque cursor never skips or repeats an event, even while writes are happening.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone

from companies.models import Membership
from matching.moves import PARTS
from portal.changes import changes_after, cursor_encode
from portal.models import ChangeEvent, ChangeEventQuerySet

LIMIT_DEFAULT = 50
LIMIT_MAX = 200


@dataclass
class FeedPage:
    """One page of the feed: its events, the cursor to resume after them, and whether more are waiting."""

    events: list[ChangeEvent]
    next: str
    has_more: bool


def change_events_visible_to(user: User | AnonymousUser | int) -> ChangeEventQuerySet:
    """Events USER (or a user id) may read: every record and notice event, and the match events of USER's own firms
    only. The feed and every webhook delivery (to its endpoint's owner) read this one rule."""
    if isinstance(user, int):
        user_id = user
    elif not user.is_authenticated:
        return ChangeEvent.objects.none()
    else:
        user_id = user.pk
    firms = Membership.objects.filter(user_id=user_id).values("company_id")
    return ChangeEvent.objects.filter(Q(company_id__isnull=True) | Q(company_id__in=firms))


def change_feed_page(*, user: User | AnonymousUser, since: str, limit: int = LIMIT_DEFAULT) -> FeedPage:
    """Up to LIMIT events after SINCE (empty: from the start) for USER, in one query (two with SINCE, which must name
    an event that was written); CursorError for a bad SINCE."""
    events = changes_after(change_events_visible_to(user), since, limit=limit + 1)
    has_more = len(events) > limit
    events = events[:limit]
    return FeedPage(events=events, next=cursor_encode(events[-1]) if events else since, has_more=has_more)


def change_item(event: ChangeEvent) -> dict[str, Any]:
    """EVENT as the feed shows it: its cursor, type, the object it is about, the changed fields and the rest (less a
    match event's stored parts, which matching.moves keeps to measure the next move from)."""
    data = dict(event.data)
    data.pop(PARTS, None)
    subject = {"type": event.subject_type, "id": event.subject_id}
    subject |= {key: data[key] for key in ("slug", "title", "title_ja", "url") if key in data}
    if "company" in data:
        subject["company"] = data["company"]
    return {
        "cursor": cursor_encode(event),
        "id": event.pk,
        "type": event.kind,
        "created_at": event.created_at,
        "object": subject,
        "changed_fields": event.changes,
        "data": data,
    }


def change_item_addresses(item: dict[str, Any], absolute: Callable[[str], str]) -> dict[str, Any]:
    """ITEM (a change_item) with its `url`s made absolute by ABSOLUTE, as every address the API gives is."""
    for part in (item["object"], item["data"]):
        if part.get("url"):
            part["url"] = absolute(part["url"])
    return item


def change_item_json(event: ChangeEvent, absolute: Callable[[str], str]) -> dict[str, Any]:
    """EVENT as a webhook delivers it: the feed's entry, ready for json.dumps.

    One shape for both ways a client learns of a change: the same keys (its `cursor` resumes the feed just after
    it), `created_at` in the site's time zone as the API's serializers give it (+09:00), and absolute addresses.
    """
    item = change_item_addresses(change_item(event), absolute)
    item["created_at"] = timezone.localtime(event.created_at).isoformat()
    return item
