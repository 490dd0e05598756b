"""The Atom feed of one user's alerts, at a secret revocable URL: the digest's items, newest first.

It reads the change-event log directly (the last FEED_DAYS days): changes to followed records, the firms' matches
and notices as in the digest, and, for saved searches, records published since then and since the search was saved
that it lists now.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import feedgenerator, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from alerts.emails import ValueNames, item_lines, item_path, site_path, site_url
from alerts.models import NotificationSettings, SavedSearch
from alerts.preferences import notification_settings_get
from alerts.readers import FOLLOWED_KINDS, MATCH_KINDS, NOTICE_KINDS, EventIndex, event_item, readers_load
from alerts.searches import query_results
from portal.changes import settled_filter
from portal.models import ChangeEvent

FEED_DAYS = 30
FEED_ITEMS = 50
PUBLISHED = "opportunity.published"


def _sections(settings: NotificationSettings) -> list[str]:
    return [name for name in ("followed", "matches", "notices") if getattr(settings, name)]


def _search_items(user: User, events: list[ChangeEvent]) -> list[dict[str, Any]]:
    """Records published since each search was saved (EVENTS reach back FEED_DAYS at most) that it lists now.

    A search starts from its saving, as its digest does, so a new one does not fill a reader with the month's records.
    """
    published = [event for event in events if event.kind == PUBLISHED]
    items = []
    for search in SavedSearch.objects.filter(user=user):
        since = [event for event in published if event.created_at >= search.created_at]
        listed = query_results(query=search.query, user=user) if since else set()
        for event in since:
            if event.subject_id in listed:
                item = event_item_published(event)
                item["search"] = search.name
                items.append(item)
    return items


def event_item_published(event: ChangeEvent) -> dict[str, Any]:
    data = event.data or {}
    return {
        "section": "searches",
        "kind": "search.result",
        "event": event.pk,
        "at": event.created_at.isoformat(),
        "title": data.get("title", ""),
        "title_ja": data.get("title_ja", ""),
        "url": data.get("url", ""),
    }


def feed_items(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """USER's alert items of the last FEED_DAYS days, newest first, at most FEED_ITEMS."""
    now = now or timezone.now()
    settings = notification_settings_get(user=user)
    reader = readers_load([user.pk])[user.pk]
    # Only the events that can be this user's, so a rescore's events for thousands of firms are never read here.
    theirs = (
        Q(kind__in=FOLLOWED_KINDS, subject_id__in=reader.followed)
        | Q(kind__in=MATCH_KINDS, company_id__in=reader.company_ids)
        | Q(kind__in=(*NOTICE_KINDS, PUBLISHED))
    )
    recent = settled_filter(ChangeEvent.objects.filter(theirs, created_at__gte=now - dt.timedelta(days=FEED_DAYS)))
    events = list(recent.order_by("txid", "id"))
    items = [event_item(e) for e in EventIndex(events).for_reader(reader, sections=_sections(settings))]
    if settings.saved_searches:
        items += _search_items(user, events)
    items.sort(key=lambda item: (item["at"], item.get("event", 0)), reverse=True)
    return items[:FEED_ITEMS]


def feed_render(*, user: User, language: str, feed_url: str) -> str:
    """USER's feed as Atom XML in LANGUAGE."""
    with translation.override(language):
        feed = feedgenerator.Atom1Feed(
            title=_("Kakehashi alerts for %(name)s") % {"name": user.get_username()},
            link=site_url(site_path("/opportunities/", language)),
            description=_("New results of saved searches, changes to followed records, matches and notices."),
            language=language,
            feed_url=feed_url,
        )
        names = ValueNames()
        for item in feed_items(user=user):
            link = site_url(site_path(item_path(item), language))
            # The id never changes once published (a reader would show the entry as new again): it is built from the
            # event's own `url` (for a notice, its API address), not from the link, which moved to the notice's page,
            # and in the default language whatever the reader's, so choosing Japanese later changes no id.
            first_link = site_url(item.get("url") or "/")
            feed.add_item(
                title=(item.get("title_ja") if language == "ja" else "") or item.get("title") or link,
                link=link,
                description="<br>".join(escape(line) for line in item_lines(item, names)),
                unique_id=f"{first_link}#{item['kind']}-{item.get('event', '')}",
                updateddate=dt.datetime.fromisoformat(item["at"]),
                pubdate=dt.datetime.fromisoformat(item["at"]),
            )
        return feed.writeString("utf-8")
