"""Notices: dated changes of rules or policy that affect who may take part (export rules, strategy revisions)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from programmes.models import Confidence, Opportunity, TechnologyArea
from programmes.source_models import accessed_on_check


class NoticeQuerySet(models.QuerySet):
    """Reads of notices shared by the home page, record pages and the API."""

    def published(self) -> "NoticeQuerySet":
        return self.filter(status=Notice.Status.PUBLISHED)

    def newest_first(self) -> "NoticeQuerySet":
        """Dated notices, newest first, then the announced ones (no date yet), on every database."""
        return self.order_by(models.F("dated_on").desc(nulls_last=True), "slug")

    def for_listing(self, user=None) -> "NoticeQuerySet":
        """A notice with its sources, areas and the records USER may see, in a fixed number of queries: a notice
        linked to a draft record does not name it to the public."""
        records = models.Prefetch("records", queryset=Opportunity.objects.visible_to(user).order_by("slug"))
        return self.prefetch_related("sources", records, "technology_areas")


class Notice(models.Model):
    """A dated rule or policy change that affects who may take part, with its sources and confidence."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=250)
    title_ja = models.CharField(_("Japanese title"), max_length=250, blank=True)
    summary = models.TextField(_("summary"))
    summary_ja = models.TextField(_("Japanese summary"), blank=True)
    dated_on = models.DateField(_("date of the change"), null=True, blank=True)
    due_by = models.DateField(_("due by"), null=True, blank=True, help_text=_("For a change announced, not yet made."))
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.HIGH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    records = models.ManyToManyField(
        Opportunity, verbose_name=_("records concerned"), related_name="notices", blank=True
    )
    countries = CountryField(
        _("countries"), multiple=True, blank=True, help_text=_("Countries whose firms it affects.")
    )
    technology_areas = models.ManyToManyField(
        TechnologyArea, verbose_name=_("technology areas"), related_name="notices", blank=True
    )
    history = HistoricalRecords()

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-dated_on", "slug"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(dated_on__isnull=False) | Q(due_by__isnull=False),
                name="%(app_label)s_%(class)s_has_a_date",
                violation_error_message=_("A notice needs the date of the change or the date it is due by."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The notice's page (in the reader's language); API clients get `api_url`."""
        return reverse("notices:notice_detail", kwargs={"slug": self.slug})

    def api_url(self) -> str:
        """The notice in API v1: the `url` of its change events, which clients of the feed read."""
        return reverse("api:notice-detail", kwargs={"version": "v1", "slug": self.slug})

    def clean(self) -> None:
        """A change announced for a date cannot be due before the date it is made."""
        if self.dated_on and self.due_by and self.due_by < self.dated_on:
            raise ValidationError({"due_by": _("The date it is due by cannot be before the date of the change.")})


class NoticeSource(models.Model):
    """A public page that backs a notice."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("URL"), max_length=500)
    title = models.CharField(_("title"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    accessed_on = models.DateField(_("accessed on"), null=True, blank=True)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.HIGH)

    class Meta:
        ordering = ["notice", "pk"]
        verbose_name = _("notice source")
        constraints = [
            models.UniqueConstraint(fields=["notice", "url"], name="%(app_label)s_%(class)s_unique_notice_url")
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return self.url

    def clean(self) -> None:
        accessed_on_check(self.accessed_on)
