"""Site-wide records: API tokens that REST clients authenticate with, and secret links for feeds."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "kkh_"


def hash_token(raw: str) -> str:
    """SHA-256 of a raw token: only the hash is stored, so a leaked database yields no usable token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    """A fresh random token, recognisable by its prefix in logs and secret scanners."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    """Reads of API tokens."""

    def active(self) -> "ApiTokenQuerySet":
        """Tokens neither revoked nor expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A named bearer token a user mints for a REST client; stored as a hash, revocable, optionally expiring."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text=_("First characters, to tell tokens apart in lists."))
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def get_absolute_url(self) -> str:
        return reverse("portal:token_list")

    @property
    def is_active(self) -> bool:
        """Neither revoked nor past its expiry."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


SECRET_LINK_PREFIX = "kkl_"


def new_raw_secret() -> str:
    """A fresh random secret for a link, recognisable by its prefix."""
    return SECRET_LINK_PREFIX + secrets.token_urlsafe(32)


class SecretLinkQuerySet(models.QuerySet):
    """Reads of secret links."""

    def active(self) -> "SecretLinkQuerySet":
        """Links not revoked, of users still active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class SecretLink(models.Model):
    """A secret URL that lets a program (a calendar app, a feed reader) read one thing as its user, until revoked.

    One model for every such link (DESIGN.md, "Secret links"): only the secret's hash is stored, a link is bound to
    a user and a purpose, and it is revoked when the user loses access (membership removed, account deactivated).
    """

    class Purpose(models.TextChoices):
        CALENDAR = "calendar", _("Calendar feed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="secret_links")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("The record the link opens: a firm, for calendar feeds.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SecretLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("secret link")
        verbose_name_plural = _("secret links")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose", "subject_id"],
                condition=Q(revoked_at__isnull=True),
                name="%(app_label)s_%(class)s_unique_active_user_purpose_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("portal:calendar")
