"""Alert subscriptions and their state: saved searches, notification settings and webhook endpoints."""

import secrets

from django.conf import settings
from django.db import models
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
    disabled_reason = models.CharField(max_length=300, blank=True)
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
