"""A firm's own work on the records: its pipeline of pursuits and its "not relevant" feedback on matches."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from companies.models import Company
from programmes.models import Opportunity

STAGES = ["watching", "pursuing", "preparing", "submitted", "won", "lost", "no_bid"]
# The history reason of an entry whose due date, the record's deadline, moved with it (workspace.services.
# pipeline_due_dates_follow); stored in English and translated where the history is shown.
DUE_FOLLOWED_DEADLINE = gettext_noop("the due date followed the record's new deadline")
REASONS = ["wrong_technology", "not_eligible", "too_early", "too_large", "already_engaged", "other"]


class PipelineEntryQuerySet(models.QuerySet):
    """Reads of pipeline entries shared by the pipeline page, its export, the API and the admin."""

    def visible_to(self, user) -> "PipelineEntryQuerySet":
        """Consultants see every firm's pipeline; staff see their own firms'; anyone else none."""
        return self.filter(company__in=Company.objects.visible_to(user))

    def active(self) -> "PipelineEntryQuerySet":
        """Entries still ahead of the firm: every stage but won, lost and no bid (PipelineEntry.DONE)."""
        return self.exclude(stage__in=self.model.DONE)

    def for_board(self) -> "PipelineEntryQuerySet":
        """Everything a card, an export row or an API row shows, in one query."""
        due = models.F("due_on").asc(nulls_last=True)
        return self.select_related("opportunity", "owner", "company").order_by(due, "pk")


class PipelineEntry(models.Model):
    """One firm's pursuit of one opportunity: where it stands, who owns it, when it is due and notes for colleagues."""

    class Stage(models.TextChoices):
        WATCHING = "watching", _("Watching")
        PURSUING = "pursuing", _("Pursuing")
        PREPARING = "preparing", _("Preparing")
        SUBMITTED = "submitted", _("Submitted")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        NO_BID = "no_bid", _("No bid")

    # Stages after which a record is no longer ahead of the firm: no reminders, digests or calendar dates for it.
    DONE = (Stage.WON, Stage.LOST, Stage.NO_BID)

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="pipeline_entries"
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="pipeline_entries"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.WATCHING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pipeline_entries",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = PipelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["company", "due_on", "pk"]
        verbose_name = _("pipeline entry")
        verbose_name_plural = _("pipeline entries")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "opportunity"], name="%(app_label)s_%(class)s_unique_company_opportunity"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=STAGES),
                name="%(app_label)s_%(class)s_stage_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.opportunity}: {self.stage}"

    def get_absolute_url(self) -> str:
        return reverse(
            "workspace:pipeline_detail",
            kwargs={"company_slug": self.company.slug, "opportunity_slug": self.opportunity.slug},
        )


class MatchFeedbackQuerySet(models.QuerySet):
    """Reads of feedback shared by the consultants' report, the API and the match lists."""

    def visible_to(self, user) -> "MatchFeedbackQuerySet":
        """Consultants see all feedback; staff see their own firms'."""
        return self.filter(company__in=Company.objects.visible_to(user))


class MatchFeedback(models.Model):
    """A firm's word that a record is not relevant to it, with a reason from a fixed list and an optional note."""

    class Reason(models.TextChoices):
        WRONG_TECHNOLOGY = "wrong_technology", _("Wrong technology")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        TOO_EARLY = "too_early", _("Too early for us")
        TOO_LARGE = "too_large", _("Too large for us")
        ALREADY_ENGAGED = "already_engaged", _("Already engaged")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="match_feedback"
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="match_feedback"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MatchFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "opportunity"], name="%(app_label)s_%(class)s_unique_company_opportunity"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=REASONS),
                name="%(app_label)s_%(class)s_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.opportunity}: {self.reason}"

    def get_absolute_url(self) -> str:
        return self.opportunity.get_absolute_url()
