"""Deadline reminders: 14 and 3 days before a followed or pursued record closes (or an event starts), sent at once.

Each reminder is its own outbox row, keyed `reminder:<user>:<record>:<14|3>:<deadline>`, so a daily run sends each
once, and a moved deadline earns a reminder for its new date.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from alerts.models import NotificationSettings
from alerts.readers import DONE_STAGES
from companies.models import Membership
from portal.models import OutboxMessage
from portal.outbox import outbox_key, outbox_put_many
from programmes.models import Opportunity
from workspace.models import PipelineEntry

REMINDER_DAYS = (14, 3)


def reminder_mark(days_left: int) -> int | None:
    """Which reminder is due DAYS_LEFT days before a deadline: 3 within three days, 14 within a fortnight."""
    if days_left < 0:
        return None
    return next((mark for mark in sorted(REMINDER_DAYS) if days_left <= mark), None)


def _records_ahead(today: dt.date) -> dict[int, tuple]:
    """Published records whose deadline falls in the next fortnight and that some firm follows or pursues."""
    last = today + dt.timedelta(days=max(REMINDER_DAYS))
    followed = PipelineEntry.objects.exclude(stage__in=DONE_STAGES).values("opportunity_id")
    rows = (
        Opportunity.objects.published()
        .with_deadline()
        .filter(deadline_on__gte=today, deadline_on__lte=last, pk__in=followed)
        .values_list("pk", "slug", "kind", "title", "title_ja", "deadline_on")
    )
    return {pk: rest for pk, *rest in rows}


def reminders_queue(*, today: dt.date | None = None) -> int:
    """Queue the reminders due today for every user who wants them; returns how many were new."""
    today = today or timezone.localdate()
    records = _records_ahead(today)
    if not records:
        return 0
    entries = PipelineEntry.objects.filter(opportunity_id__in=records).exclude(stage__in=DONE_STAGES)
    firms: dict[int, set[int]] = {}
    for company_id, opportunity_id in entries.values_list("company_id", "opportunity_id"):
        firms.setdefault(company_id, set()).add(opportunity_id)
    wanted = NotificationSettings.objects.filter(deadlines=True, user__is_active=True)
    languages = dict(wanted.values_list("user_id", "language"))
    members = Membership.objects.filter(company_id__in=firms, user_id__in=languages).values_list(
        "user_id", "company_id"
    )
    now = timezone.now()
    rows, seen = [], set()
    for user_id, company_id in members:
        for record_id in firms[company_id]:
            if (user_id, record_id) in seen:
                continue
            seen.add((user_id, record_id))
            rows.append(_reminder(user_id, languages[user_id], record_id, records[record_id], today, now))
    return outbox_put_many([row for row in rows if row is not None])


def _reminder(user_id: int, language: str, record_id: int, record: tuple, today: dt.date, now) -> OutboxMessage | None:
    slug, kind, title, title_ja, deadline = record
    days_left = (deadline - today).days
    mark = reminder_mark(days_left)
    if mark is None:
        return None
    item = {
        "section": "deadlines",
        "kind": "deadline.starts" if kind == Opportunity.Kind.EVENT else "deadline.closes",
        "title": title,
        "title_ja": title_ja,
        "url": reverse("programmes:opportunity_detail", kwargs={"slug": slug}),
        "on": deadline.isoformat(),
        "days": days_left,
        "at": now.isoformat(),
    }
    return OutboxMessage(
        key=outbox_key("reminder", user_id, record_id, mark, deadline.isoformat()),
        channel=OutboxMessage.Channel.EMAIL,
        kind="reminder",
        user_id=user_id,
        payload={"language": language, "items": [item], "days": days_left},
        next_attempt_at=now,
        # Worth sending until the day itself; after that, a reminder is only noise.
        expires_at=timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time())),
    )
