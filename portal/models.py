"""Site-wide records: API tokens, secret links, the change-event log and the outbox (DESIGN.md, shared mechanisms),
and the reading a Japanese list sorts a named record by (`KanaReadingModel`)."""

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dbfunctions import TransactionId
from portal.text import kana, kana_reading_check, kana_sort_key

TOKEN_PREFIX = "kkh_"


def hash_token(raw: str) -> str:
    """SHA-256 of a raw token: only the hash is stored, so a leaked database yields no usable token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    """A fresh random token, recognisable by its prefix in logs and secret scanners."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class KanaReadingModel(models.Model):
    """A record whose Japanese name has a reading in kana (`name_kana`), which Japanese lists sort it by (あいうえお順).

    The reading is kept as `portal.text.kana` writes it (clean: hiragana, single spaces) and checked by
    `portal.text.kana_reading_check`; `name_sort` is its `portal.text.kana_sort_key`, written on every save and
    compared code point by code point (`portal.dbfunctions.code_point_order`). Partners, technology areas and
    certifications share it; a subclass may declare `name_kana` again for help text naming its own list.
    """

    name_kana = models.CharField(
        _("reading of the Japanese name"),
        max_length=200,
        blank=True,
        validators=[kana_reading_check],
        help_text=_(
            "In kana, as a Japanese reader says it (半導体: はんどうたい). Japanese lists are sorted by it; "
            "leave it empty for a name in Latin letters only. Katakana is kept as hiragana."
        ),
    )
    name_sort = models.CharField(
        _("name sort"), max_length=200, blank=True, editable=False
    )  # kana_sort_key(name_kana), on save

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_sort = kana_sort_key(self.name_kana)
        if (fields := kwargs.get("update_fields")) is not None and "name_kana" in fields:
            kwargs["update_fields"] = {*fields, "name_sort"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A reading is kept as `portal.text.kana` writes it (hiragana, single spaces), so it sorts and is found one
        way."""
        super().clean()
        self.name_kana = kana(self.name_kana)


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
        FEED = "feed", _("Atom feed")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        EMAIL = "email", _("Email confirmation link")

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


class EmailChange(models.Model):
    """An address a user asked Kakehashi to write to, waiting for the click on the link sent there.

    The account's address changes only when that link is followed, so nobody can point digests at an inbox they do
    not read. One per user: asking again replaces it (and voids the link sent before).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_change")
    email = models.EmailField(_("email address"))
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        verbose_name = _("email address waiting for confirmation")
        verbose_name_plural = _("email addresses waiting for confirmation")

    def __str__(self) -> str:
        return f"{self.email} for {self.user}"


class ChangeEventQuerySet(models.QuerySet):
    """Reads of the change-event log."""

    def in_feed_order(self) -> "ChangeEventQuerySet":
        return self.order_by("txid", "id")


class ChangeEvent(models.Model):
    """One thing that changed, written in the same transaction as the change; never updated, never deleted.

    `kind` is the event name REST clients see (`opportunity.changed`, `match.created`, ...). `subject_type` and
    `subject_id` name what changed; `company_id` is set for a firm's own events (its matches), which only its members
    read. `changes` holds changed fields as `{"field": {"old": ..., "new": ...}}`; `data` the rest of the payload
    (slugs, scores, explanation items). `txid` is the writing transaction's id on PostgreSQL (0 on SQLite), so
    readers can page in an order no later commit can insert into (`portal.changes`).
    """

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=20)
    subject_id = models.PositiveBigIntegerField()
    company_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    txid = models.BigIntegerField(db_default=TransactionId(), editable=False)

    objects = ChangeEventQuerySet.as_manager()

    class Meta:
        ordering = ["txid", "id"]
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        indexes = [
            models.Index(fields=["txid", "id"], name="portal_change_feed_order"),
            models.Index(fields=["subject_type", "subject_id"], name="portal_change_subject"),
            # A firm's events (its prefix, for the feeds and webhooks) and, per record, the last one of a kind: what a
            # firm was last told of a match (matching.moves) is one backward step of this index per pair.
            models.Index(fields=["company_id", "subject_id", "id"], name="portal_change_company_subject"),
            # The rare kinds (a record's changes among millions of match events). A plain index, not the field's
            # db_index: that one brings a second, pattern-matching index no query uses, which every event written
            # (some 280,000 at a firm base's first scoring) would pay for.
            models.Index(fields=["kind"], name="portal_change_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id}"


class OutboxMessageQuerySet(models.QuerySet):
    """Reads of the outbox."""

    def due(self, *, channel: str, now=None) -> "OutboxMessageQuerySet":
        """Messages a sender may claim now: pending and due, or claimed by a sender whose lease ran out."""
        now = now or timezone.now()
        pending = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        abandoned = Q(status=OutboxMessage.Status.SENDING, claimed_until__lt=now)
        return self.filter(pending | abandoned, channel=channel)


class OutboxMessage(models.Model):
    """One outgoing message (an email, a webhook delivery), unique by `key`, sent at most once when accepted.

    Writers put rows in the same transaction as the change that causes them (`portal.outbox.outbox_put`); senders
    claim due rows with `SELECT ... FOR UPDATE SKIP LOCKED` and a lease, deliver them outside the claim, and mark a
    row sent only after the other side accepted it. A failed attempt is retried with back-off until `expires_at`.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=40, help_text=_("What the message is: digest, reminder, introduction, ..."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    target_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("The webhook endpoint, for webhook deliveries.")
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["channel", "status", "next_attempt_at"], name="portal_outbox_due"),
            # A webhook endpoint's deliveries, newest first (the delivery log and the webhooks page).
            models.Index(fields=["channel", "target_id", "-created_at", "-id"], name="portal_outbox_target"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} ({self.status})"


class OutboxAttempt(models.Model):
    """One delivery attempt of an outbox message: the delivery log owners read and replay from."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="log")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.message_id}: {'ok' if self.ok else self.error or self.status_code}"
