"""Notification settings: read (made on first use), change, unsubscribe from everything; the Atom feed's link."""

from django.contrib.auth.models import User
from django.db import transaction

from alerts.models import NotificationSettings
from portal.changes import settled_filter
from portal.models import ChangeEvent, SecretLink
from portal.secret_links import secret_link_issue, secret_links_revoke

KINDS = ("saved_searches", "followed", "matches", "deadlines", "notices")


def feed_head() -> tuple[int, int]:
    """`(txid, id)` of the newest settled change event: a new user's digests report what happens after it."""
    last = settled_filter(ChangeEvent.objects.all()).order_by("-txid", "-id").values_list("txid", "id").first()
    return last or (0, 0)


def notification_settings_get(*, user: User, language: str | None = None) -> NotificationSettings:
    """USER's settings, made with the defaults (daily, every kind, from now on, in LANGUAGE) when first asked for."""
    found = NotificationSettings.objects.filter(user=user).first()
    if found is not None:
        return found
    txid, event_id = feed_head()
    defaults = {"feed_txid": txid, "feed_event_id": event_id, "language": "ja" if language == "ja" else "en"}
    settings, _created = NotificationSettings.objects.get_or_create(user=user, defaults=defaults)
    return settings


def language_chosen(user: User | None) -> str | None:
    """The language USER chose for email in their notification settings ("en" or "ja"), None if they never did."""
    if user is None or user.pk is None:
        return None
    language = NotificationSettings.objects.filter(user=user).values_list("language", flat=True).first()
    return None if language is None else ("ja" if language == "ja" else "en")


def language_of(user: User | None) -> str:
    """The language USER reads email in: their notification settings' language if they have settings, else English."""
    return language_chosen(user) or "en"


def notification_settings_update(*, user: User, data: dict) -> NotificationSettings:
    """Change USER's digest frequency, language and kinds from DATA (a form's or the API's cleaned data)."""
    settings = notification_settings_get(user=user)
    for name in ("frequency", "language", *KINDS):
        if name in data:
            setattr(settings, name, data[name])
    settings.full_clean(exclude=["user"])
    settings.save()
    return settings


@transaction.atomic
def notification_unsubscribe_all(*, user: User) -> NotificationSettings:
    """No more email for USER: digests off and no deadline reminders (the feed, if any, keeps working)."""
    settings = notification_settings_get(user=user)
    settings.frequency = NotificationSettings.Frequency.OFF
    settings.deadlines = False
    settings.save(update_fields=["frequency", "deadlines", "updated_at"])
    return settings


def feed_link_issue(*, user: User) -> str:
    """A new secret Atom feed URL secret for USER, replacing (revoking) the old one; shown once."""
    _link, raw = secret_link_issue(user=user, purpose=SecretLink.Purpose.FEED)
    return raw


def feed_link_revoke(*, user: User) -> int:
    """Revoke USER's Atom feed link: its URL answers 404 from now on."""
    return secret_links_revoke(user=user, purpose=SecretLink.Purpose.FEED)


def feed_link_active(*, user: User) -> bool:
    """Whether USER has a feed link that works."""
    return SecretLink.objects.active().filter(user=user, purpose=SecretLink.Purpose.FEED).exists()
