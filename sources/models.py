"""Watching the public pages behind curated records: each fetch, each change found, and its review (issue #13)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Source


class SourceWatchQuerySet(models.QuerySet):
    """Reads of watched sources shared by the command, the task and the admin queue."""

    def due(self, now: datetime.datetime | None = None) -> "SourceWatchQuerySet":
        """Watches whose interval has passed (or that were never fetched)."""
        now = now or timezone.now()
        return self.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))

    def unreachable(self) -> "SourceWatchQuerySet":
        """Sources that failed SOURCES_UNREACHABLE_AFTER times in a row."""
        return self.filter(state=SourceWatch.State.UNREACHABLE)


INTERVAL_MAX_DAYS = 365


class SourceWatch(models.Model):
    """The watching state of one source page: what it said last, its validators, failures and redirects."""

    class State(models.TextChoices):
        NEW = "new", _("Not fetched yet")
        OK = "ok", _("Reachable")
        FAILING = "failing", _("Failing")
        UNREACHABLE = "unreachable", _("Unreachable")
        REDIRECTED = "redirected", _("Redirected (to review)")

    source = models.OneToOneField(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="watch")
    interval_days = models.PositiveSmallIntegerField(
        # At most a year: a source unread for longer no longer supports a "last verified" date, and a larger number
        # (the column takes 32,767 on PostgreSQL, millions on SQLite) overflows the next check's date arithmetic.
        _("check every (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(INTERVAL_MAX_DAYS)],
    )
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, db_index=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    # The address the text, validators and ignored lines below were read from. When a consultant edits the source's
    # address, the next check starts afresh from the new page ("first") instead of reporting it all as a change.
    url = models.URLField(_("address checked"), max_length=500, blank=True)
    etag = models.CharField(_("ETag"), max_length=300, blank=True)
    last_modified = models.CharField(_("last modified"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    text_hash = models.CharField(_("text hash"), max_length=64, blank=True)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    redirect_to = models.URLField(_("redirect to"), max_length=500, blank=True)
    # Lines a consultant chose to ignore ("ignore this part of the page"): never a change again.
    ignored_lines = models.JSONField(_("ignored lines"), default=list, blank=True)

    objects = SourceWatchQuerySet.as_manager()

    class Meta:
        ordering = ["source__url"]
        verbose_name = _("watched source")
        verbose_name_plural = _("watched sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["new", "ok", "failing", "unreachable", "redirected"]),
                name="%(app_label)s_%(class)s_state_valid",
            ),
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="%(app_label)s_%(class)s_interval_positive"),
        ]

    def __str__(self) -> str:
        return self.source.url

    def get_absolute_url(self) -> str:
        return reverse("admin:sources_sourcewatch_change", args=[self.pk])


class SourceFetch(models.Model):
    """One fetch of a watched source: when, the HTTP status, what came of it and the text's hash."""

    class Outcome(models.TextChoices):
        FIRST = "first", _("First text kept")
        UNCHANGED = "unchanged", _("Unchanged")
        NOT_MODIFIED = "not_modified", _("Not modified (304)")
        CHANGED = "changed", _("Changed")
        REDIRECT = "redirect", _("Redirect")
        FAILED = "failed", _("Failed")

    watch = models.ForeignKey(SourceWatch, verbose_name=_("watch"), on_delete=models.CASCADE, related_name="fetches")
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    text_hash = models.CharField(_("text hash"), max_length=64, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        verbose_name = _("source fetch")
        verbose_name_plural = _("source fetches")
        indexes = [models.Index(fields=["watch", "-fetched_at"])]

    def __str__(self) -> str:
        # In the site's time zone and words, as the admin shows the fetch's own time and outcome beside it.
        return f"{self.watch} {timezone.localtime(self.fetched_at):%Y-%m-%d %H:%M} {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return self.watch.get_absolute_url()


# The most a consultant's review note holds, in characters. The change keeps it whole; the record's history row,
# whose reason holds 100, may end it with "…".
REVIEW_NOTE_MAX = 500


class SourceChangeQuerySet(models.QuerySet):
    """Reads of source changes for the admin queue and the consultants' API."""

    def open(self) -> "SourceChangeQuerySet":
        return self.filter(status=SourceChange.Status.OPEN)

    def for_listing(self) -> "SourceChangeQuerySet":
        """Each row with its source and record, in one query."""
        return self.select_related("watch__source__opportunity", "reviewed_by")


class SourceChange(models.Model):
    """A change found in a source page (new text or a redirect), kept with a line diff until someone reviews it."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text changed")
        REDIRECT = "redirect", _("Moved to a new address")

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        UPDATED = "updated", _("Updated the record")
        NO_CHANGE = "no_change", _("No change needed")
        IGNORED = "ignored", _("Ignored this part of the page")

    watch = models.ForeignKey(SourceWatch, verbose_name=_("watch"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    old_text = models.TextField(_("old text"), blank=True)
    new_text = models.TextField(_("new text"), blank=True)
    diff = models.TextField(_("diff"), blank=True)
    redirect_to = models.URLField(_("redirect to"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The note typed with the review, whole: a longer one is refused (sources.services.review_note_check), never cut.
    review_note = models.CharField(_("review note"), max_length=REVIEW_NOTE_MAX, blank=True)
    # The record's history row: the edit for "updated the record", else the row the review wrote.
    record_history_id = models.PositiveIntegerField(_("record history ID"), null=True, blank=True)

    objects = SourceChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-pk"]
        verbose_name = _("source change")
        verbose_name_plural = _("source changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "updated", "no_change", "ignored"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(reviewed_at__isnull=False),
                name="%(app_label)s_%(class)s_reviewed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-detected_at"])]

    def __str__(self) -> str:
        # The day in the site's time zone, the one the change page's "Detected at" shows (not UTC's, a day behind
        # before 09:00 in Tokyo).
        return f"{self.watch.source.url} ({self.get_kind_display()}, {timezone.localtime(self.detected_at):%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("admin:sources_sourcechange_change", args=[self.pk])

    def diff_lines(self) -> tuple[list[str], list[str]]:
        """(removed, added) lines of the diff."""
        removed, added = [], []
        for line in self.diff.splitlines():
            if line.startswith("-") and not line.startswith("---"):
                removed.append(line[1:])
            elif line.startswith("+") and not line.startswith("+++"):
                added.append(line[1:])
        return removed, added
