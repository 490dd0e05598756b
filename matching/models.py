"""Scoring runs and their results: how well each firm fits each published opportunity, and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company
from matching.parts import components_of
from portal.text import punct
from programmes.models import Opportunity


class MatchRun(models.Model):
    """One scoring run over all firms, one firm or one opportunity, with its timings and outcome."""

    class Scope(models.TextChoices):
        ALL = "all", _("All firms and opportunities")
        COMPANY = "company", _("One firm")
        OPPORTUNITY = "opportunity", _("One opportunity")
        BATCH = "batch", _("A batch of firms")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices, default=Scope.ALL)
    # A run about one firm or one opportunity goes with it: it has nothing left to say.
    company = models.ForeignKey(
        Company, verbose_name=_("company"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The firms of a batch run (an import), in pk order; empty for every other scope.
    company_ids = models.JSONField(_("company IDs"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    chunks_total = models.PositiveIntegerField(_("chunks total"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    pairs_scored = models.PositiveBigIntegerField(_("pairs scored"), default=0)
    matches_stored = models.PositiveBigIntegerField(_("matches stored"), default=0)
    engine_version = models.CharField(_("engine version"), max_length=20, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "succeeded", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            # Each scope names its target, and only its target.
            models.CheckConstraint(
                condition=(
                    Q(scope="all", company__isnull=True, opportunity__isnull=True)
                    | Q(scope="company", company__isnull=False, opportunity__isnull=True)
                    | Q(scope="opportunity", company__isnull=True, opportunity__isnull=False)
                    | Q(scope="batch", company__isnull=True, opportunity__isnull=True)
                ),
                name="%(app_label)s_%(class)s_scope_target",
            ),
        ]

    def __str__(self) -> str:
        details = punct(",").join([str(self.get_scope_display()), str(self.get_status_display())])
        run = gettext("Run %(number)s") % {"number": self.pk}  # outside the f-string, where makemessages finds it
        return f"{run}{punct(' (')}{details}{punct(')')}"

    def get_absolute_url(self) -> str:
        return reverse("api:match-run-detail", kwargs={"version": "v1", "pk": self.pk})

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish, once the run has finished."""
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchQuerySet(models.QuerySet):
    """Reads of matches shared by pages, the API and feeds."""

    def visible_to(self, user) -> "MatchQuerySet":
        """Consultants see every match; staff see their own firms' matches; anyone else sees none."""
        return self.filter(company__in=Company.objects.visible_to(user))

    def best_first(self) -> "MatchQuerySet":
        """Highest score first, with a stable tie-break."""
        return self.order_by("-score", "opportunity__slug", "company__slug")


class Match(models.Model):
    """How well one firm fits one published opportunity: a 0-100 score, its parts, reasons and gaps."""

    # No single-column indexes on the keys: the unique (company, opportunity) and the score index below serve every
    # lookup, and each index left out makes a full rescore's million-row COPY cheaper (docs/matching.md). A firm has
    # at most one row per published record, so its matches in score order are read through the unique index and
    # sorted: a (company, -score) index cost the first full rescore about two seconds and saved no reader anything.
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    # The run is provenance only: no database constraint, so a million-row COPY skips a million FK checks.
    run = models.ForeignKey(
        MatchRun,
        verbose_name=_("match run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matches",
        db_index=False,
        db_constraint=False,
    )
    score = models.FloatField(_("score"))
    # [[value, contribution], ...] per engine component, in engine order; the contributions sum to the score. Read it
    # as `components` (matching.parts says why the weights are not stored).
    parts = models.JSONField(_("components"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    gaps = models.JSONField(_("gaps"), default=list)
    eligible = models.BooleanField(_("eligible"), default=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "opportunity"], name="%(app_label)s_%(class)s_unique_company_opportunity"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="%(app_label)s_%(class)s_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["opportunity", "-score"], name="matching_match_opp_score"),
        ]

    def __str__(self) -> str:
        return f"{self.company} ~ {self.opportunity}: {self.score:.1f}"

    def get_absolute_url(self) -> str:
        return self.opportunity.get_absolute_url()

    @property
    def components(self) -> dict[str, dict[str, float]]:
        """The score's parts by component: {"capability": {"value": 0.8, "weight": 0.7, "contribution": 56.0}, ...}."""
        return components_of(self.parts)


class FeedbackMark(models.Model):
    """How many records of one area a firm marked "not relevant: wrong technology", as the scorer reads it.

    Derived from the workspace app's feedback (which sits above matching) and replaced by it in the same
    transaction, so the scorer never reads upwards (docs/matching.md, "Feedback from firms").
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="feedback_marks")
    technology_area = models.ForeignKey(
        "programmes.TechnologyArea", on_delete=models.CASCADE, related_name="feedback_marks"
    )
    records = models.PositiveIntegerField()
    # For each of RECORDS whose main place the area shares, the slugs of the record's other main areas. Such a mark
    # does not count against an area the firm ticks while it leaves one of those others unticked: the firm says it
    # works in this area, so the mark was about another (matching.inputs reads it against the firm's ticks).
    shared_with = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["company", "technology_area"]
        verbose_name = _("feedback mark")
        verbose_name_plural = _("feedback marks")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "technology_area"], name="%(app_label)s_%(class)s_unique_company_area"
            ),
            models.CheckConstraint(condition=Q(records__gte=1), name="%(app_label)s_%(class)s_records_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.company} marked {self.records} records of {self.technology_area}"


class AreaDismissal(models.Model):
    """A suggested area a firm's editor (or a consultant) said is not the firm's field: never suggested to it again.

    Suggestions are read from the firm's words (matching/suggestions.py); this is the firm's answer to one of them.
    It changes no score (docs/matching.md, "Areas a firm's words suggest"). Deleted on undo, or when the area is
    ticked; its history says who dismissed and who undid it.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="area_dismissals", verbose_name=_("firm")
    )
    technology_area = models.ForeignKey(
        "programmes.TechnologyArea",
        on_delete=models.CASCADE,
        related_name="area_dismissals",
        verbose_name=_("technology area"),
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    history = HistoricalRecords(
        verbose_name=_("dismissal of a suggested area"), verbose_name_plural=_("dismissals of suggested areas")
    )

    class Meta:
        ordering = ["company", "technology_area"]
        verbose_name = _("dismissed area suggestion")
        verbose_name_plural = _("dismissed area suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "technology_area"], name="%(app_label)s_%(class)s_unique_company_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.technology_area} dismissed"

    def get_absolute_url(self) -> str:
        return self.company.get_absolute_url()
