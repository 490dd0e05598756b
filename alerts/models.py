"""Alert subscriptions and their state: saved searches, notification settings and webhook endpoints."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_salt() -> str:
    """A fresh random salt for an endpoint's signing secret (rotating the secret is a new salt)."""
    return secrets.token_hex(16)


class WebhookEndpointQuerySet(models.QuerySet):
    """Reads of webhook endpoints."""

    def owned_by(self, user) -> "WebhookEndpointQuerySet":
        """USER's own endpoints: nobody, consultants included, sees another user's."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def active(self) -> "WebhookEndpointQuerySet":
        """Endpoints that still receive deliveries: not disabled, and their owner's account not deactivated."""
        return self.filter(active=True, owner__is_active=True)


class WebhookEndpoint(models.Model):
    """A URL of a user's to which Kakehashi POSTs signed change events (issue 15, docs/alerts.md#webhooks).

    The signing secret is never stored: it is derived from SECRET_KEY, the endpoint's id and `salt`
    (`alerts.webhooks.webhook_secret`), so the database alone never holds it. `position` is the change-feed cursor
    up to which events have been put in the outbox for this endpoint.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text=_('Event names, or ["*"] for every event.'))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)  # in English, for the API; derived from detail
    disabled_detail = models.JSONField(
        default=dict, blank=True, help_text=_("Why it was disabled, as an explanation item {code, params}.")
    )
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text=_("Delivery rounds in a row in which every delivery failed.")
    )
    position = models.CharField(max_length=100, blank=True, help_text=_("Change-feed cursor fanned out up to."))
    salt = models.CharField(max_length=64, default=new_salt, editable=False)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return f"/api/v1/webhooks/{self.pk}/"

    def subscribes_to(self, kind: str) -> bool:
        """True when this endpoint asked for events of KIND."""
        return "*" in self.events or kind in self.events


class SavedSearch(models.Model):
    """A listing query a user saved by name; new results since it was saved (its baseline) go into their digests."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(
        _("query"), max_length=1000, blank=True, help_text=_("The listing's query string, e.g. kind=call.")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    baseline = models.JSONField(default=list, blank=True, help_text=_("Ids of the results already reported."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="%(app_label)s_%(class)s_unique_user_query"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=["daily", "weekly"]), name="%(app_label)s_%(class)s_frequency_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity_list") + (f"?{self.query}" if self.query else "?open=")


class NotificationSettings(models.Model):
    """What one user wants to be told and how: digest frequency, language, kinds, and their place in the change feed.

    `feed_txid`/`feed_event_id` is the position in the change-event log up to which the user's digests have
    reported; it moves forward in the same transaction as the digest's outbox row (issue 15).
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Off")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    frequency = models.CharField(_("digest"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    saved_searches = models.BooleanField(_("new results of my saved searches"), default=True)
    followed = models.BooleanField(_("changes to records my firm follows or pursues"), default=True)
    matches = models.BooleanField(_("new and moved matches of my firm"), default=True)
    deadlines = models.BooleanField(_("deadline reminders (14 and 3 days before)"), default=True)
    notices = models.BooleanField(_("notices affecting my firm's country or areas"), default=True)
    feed_txid = models.BigIntegerField(default=0, editable=False)
    feed_event_id = models.BigIntegerField(default=0, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=["daily", "weekly", "off"]),
                name="%(app_label)s_%(class)s_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"notification settings of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:notification_settings")
