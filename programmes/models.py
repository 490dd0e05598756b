"""Curated reference records: who runs Japan's defence programmes, what they ask for and where deals start."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.jsontext import UnicodeJSONEncoder
from portal.models import KanaReadingModel
from portal.text import reading_japanese

# Certifications, a record's sources and the reference firms live in their own modules (re-exported: callers import
# them from here), as does the confidence scale the sources share with the records.
from programmes.certification_models import Certification as Certification
from programmes.querysets import NamedQuerySet, OpportunityAreaQuerySet, OpportunityQuerySet
from programmes.reference_firm_models import ReferenceFirm as ReferenceFirm
from programmes.source_models import Confidence as Confidence
from programmes.source_models import Source as Source
from programmes.source_models import SourceFields as SourceFields


class Organisation(KanaReadingModel):
    """A ministry, agency or trade body that runs or backs programmes (METI, MOD, ATLA, DISTI, Austrade); Japanese
    lists sort them by the reading of the Japanese name, where it has one (`portal.models.KanaReadingModel`)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    country = CountryField(_("country"))
    url = models.URLField(_("URL"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["name_sort"])

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym or self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity_list") + f"?organisation={self.slug}"


# A lexicon holds words and short phrases ("beam director", "Slocum glider"; the curated ones are under 50
# characters): a longer line is pasted text, which the scorer would read as one impossible phrase.
TERM_MAX_LENGTH = 80


class TechnologyArea(KanaReadingModel):
    """One of the 21 fixed technology areas that both firms and opportunities are tagged with; Japanese lists sort
    them by the reading of the Japanese name (`name_kana`, `name_sort`: `portal.models.KanaReadingModel`)."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_ja = models.CharField(_("Japanese name"), max_length=120, blank=True)
    description = models.TextField(_("description"))
    # Synonyms and product jargon firms actually write ("beam director", "ASW"): the scorer reads them.
    keywords = models.JSONField(
        _("lexicon"), default=list, blank=True, help_text=_("Synonyms, acronyms and product jargon, one per line.")
    )
    # Broader words of the field ("satellite", "sonar"): they join the area's profile only, so a firm writing in
    # its own words still reaches the area without the lexicon counting them as specific evidence (issue 12).
    related_terms = models.JSONField(
        _("related terms"), default=list, blank=True, help_text=_("Broader words of the field, one per line.")
    )
    history = HistoricalRecords(excluded_fields=["name_sort"])

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("technology area")
        verbose_name_plural = _("technology areas")

    def __str__(self) -> str:
        # In the reader's language wherever the admin or a form offers it as a choice (docs/portal.md).
        return self.name_ja if self.name_ja and reading_japanese() else self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity_list") + f"?technology_area={self.slug}"

    def clean(self) -> None:
        """The lexicon and related terms are lists of short phrases, and the lexicon has one at least: the scorer reads
        it as the area's specific evidence. Asked by the admin and the curated load alike (reference_record_save)."""
        super().clean()
        errors: dict[str, str] = {}
        for name in ("keywords", "related_terms"):
            terms = getattr(self, name)
            if not isinstance(terms, list) or not all(isinstance(term, str) for term in terms):
                errors[name] = _("Give one word or phrase per line.")
                continue
            too_long = [term.strip() for term in terms if len(term.strip()) > TERM_MAX_LENGTH]
            if too_long:
                errors[name] = _(
                    "Keep each line to %(max)d characters or fewer, a word or a short phrase; this one has %(length)d: "
                    "“%(start)s…”."
                ) % {"max": TERM_MAX_LENGTH, "length": len(too_long[0]), "start": too_long[0][:40]}
        if "keywords" not in errors and not any(term.strip() for term in self.keywords):
            errors["keywords"] = _(
                "Give the lexicon one word or phrase at least: the scorer reads it as the area's evidence."
            )
        if errors:
            raise ValidationError(errors)


# A record's dates lie in this range: a typo such as 9999-12-31 would otherwise pass every check and break what
# adds a day to it (calendar feeds) or counts days to it (timing).
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_FIELDS = ("opens_on", "closes_on", "starts_on", "ends_on", "expected_from", "expected_until", "last_verified_on")


class OpportunityArea(models.Model):
    """How strongly an opportunity asks for one technology area (weight 0-1)."""

    opportunity = models.ForeignKey(
        "Opportunity", verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="area_links"
    )
    technology_area = models.ForeignKey(
        TechnologyArea, verbose_name=_("technology area"), on_delete=models.CASCADE, related_name="opportunity_links"
    )
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    objects = OpportunityAreaQuerySet.as_manager()

    class Meta:
        ordering = ["-weight", "technology_area__slug"]
        verbose_name = _("technology area of an opportunity")
        verbose_name_plural = _("technology areas of opportunities")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "technology_area"], name="%(app_label)s_%(class)s_unique_opportunity_area"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1), name="%(app_label)s_%(class)s_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technology_area} ({self.weight:.2f})"


class Opportunity(models.Model):
    """What company staff browse: a hub, a priority area, an event, a programme or a dated call."""

    class Kind(models.TextChoices):
        HUB = "hub", _("Hub")
        PRIORITY_AREA = "priority_area", _("Priority area")
        EVENT = "event", _("Event")
        PROGRAMME = "programme", _("Programme")
        CALL = "call", _("Call for proposals")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Size(models.TextChoices):
        STARTUP = "startup", _("Start-up")
        SME = "sme", _("SME")
        LARGE = "large", _("Large")

    class Presence(models.TextChoices):
        NONE = "none", _("None needed")
        PARTNER = "partner", _("Japanese partner")
        OFFICE = "office", _("Japanese entity or office")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    title_ja = models.CharField(_("Japanese title"), max_length=250, blank=True)
    summary = models.TextField(_("summary"), help_text=_("One or two sentences for listings."))
    summary_ja = models.TextField(_("Japanese summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True, encoder=UnicodeJSONEncoder)  # searched by q
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="opportunities", blank=True
    )
    technology_areas = models.ManyToManyField(
        TechnologyArea,
        verbose_name=_("technology areas"),
        through=OpportunityArea,
        related_name="opportunities",
        blank=True,
    )
    # Eligibility: an empty list means any country / any size.
    eligible_countries = CountryField(
        _("eligible countries"), multiple=True, blank=True, help_text=_("Empty means firms from any country.")
    )
    eligible_sizes = models.JSONField(_("eligible sizes"), default=list, blank=True)
    min_trl = models.PositiveSmallIntegerField(
        _("minimum TRL"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    japan_presence = models.CharField(
        _("presence in Japan required"), max_length=10, choices=Presence.choices, default=Presence.NONE
    )
    required_certifications = models.ManyToManyField(
        Certification, verbose_name=_("required certifications"), related_name="required_by", blank=True
    )
    # Scheme rules from the records (issue 12): a firm that fails one is gated with the rule named.
    max_company_age = models.PositiveSmallIntegerField(
        _("firm founded at most this many years ago"),
        null=True,
        blank=True,
        # At least 1: 0 would mean founded this year, surely a typo (a limit in whole years, as min_trl's 1-9).
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Start-up schemes: empty means no age limit."),
    )
    japanese_entity = models.BooleanField(
        _("Japanese entities only in practice"),
        default=False,
        help_text=_("Firms outside Japan qualify only through an office or entity in Japan."),
    )
    eligibility_notes = models.TextField(_("eligibility notes"), blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    # db_default: a row written by code or a migration that predates these fields still gets "" (not NULL).
    venue_ja = models.CharField(_("Japanese venue"), max_length=200, blank=True, default="", db_default="")
    # An edition whose dates are not announced: a window drawn from past editions, never a confirmed date.
    expected_from = models.DateField(_("expected from"), null=True, blank=True)
    expected_until = models.DateField(_("expected until"), null=True, blank=True)
    expected_basis = models.CharField(
        _("basis of the expectation"),
        max_length=300,
        blank=True,
        help_text=_("The past editions the window is drawn from, e.g. 'from the 2023 and 2025 editions'."),
    )
    expected_basis_ja = models.CharField(
        _("Japanese basis of the expectation"), max_length=300, blank=True, default="", db_default=""
    )
    url = models.URLField(_("official URL"), max_length=500, blank=True)
    related = models.ManyToManyField("self", verbose_name=_("related records"), symmetrical=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.HIGH)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[organisations, required_certifications, technology_areas])
    # Children with their own history: a row of the record's that changed only them names them (portal.history).
    history_children = ("sources",)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["hub", "priority_area", "event", "programme", "call"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "archived"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="%(app_label)s_%(class)s_closes_after_opens",
                violation_error_message=_("The closing date is before the opening date."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_starts",
                violation_error_message=_("The event ends before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(expected_from__isnull=True, expected_until__isnull=True)
                | Q(expected_from__isnull=False, expected_until__gte=models.F("expected_from")),
                name="%(app_label)s_%(class)s_expected_window_valid",
                violation_error_message=_("An expected window needs a start and an end on or after it."),
            ),
            models.CheckConstraint(
                condition=Q(min_trl__isnull=True) | Q(min_trl__gte=1, min_trl__lte=9),
                name="%(app_label)s_%(class)s_min_trl_range",
            ),
            models.CheckConstraint(
                condition=Q(max_company_age__isnull=True) | Q(max_company_age__gte=1, max_company_age__lte=200),
                name="%(app_label)s_%(class)s_max_company_age_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["closes_on"])]

    def __str__(self) -> str:
        # In the reader's language wherever the admin or a form offers it as a choice (docs/portal.md).
        return self.title_ja if self.title_ja and reading_japanese() else self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:opportunity_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """Single-row checks, keyed by field so forms, the API and imports name what is wrong.

        The date-order checks repeat the database constraints so people get a field-level message
        rather than a constraint name; the constraints still guard every other write path.
        """
        errors: dict[str, str] = {}
        for name in DATE_FIELDS:
            day = getattr(self, name)
            if isinstance(day, datetime.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
                errors[name] = _("Give a date from %(earliest)s to %(latest)s.") % {
                    "earliest": EARLIEST_DATE.isoformat(),
                    "latest": LATEST_DATE.isoformat(),
                }
        if errors:
            raise ValidationError(errors)  # the order checks below would compare a typo
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The closing date is before the opening date.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The event ends before it starts.")
        if (self.expected_from is None) != (self.expected_until is None):
            errors["expected_until"] = _("Give both ends of the expected window, or neither.")
        elif self.expected_from and self.expected_until < self.expected_from:
            errors["expected_until"] = _("The expected window ends before it starts.")
        elif self.expected_from and not self.expected_basis:
            errors["expected_basis"] = _("Say which past editions the expected window is drawn from.")
        sizes = self.eligible_sizes if isinstance(self.eligible_sizes, list) else None
        if sizes is None:
            errors["eligible_sizes"] = _("Give a list of company sizes.")
        else:
            unknown = [size for size in sizes if size not in self.Size.values]
            if unknown:
                errors["eligible_sizes"] = _("Unknown company size %(sizes)s; use %(known)s.") % {
                    "sizes": ", ".join(repr(size) for size in unknown),
                    "known": ", ".join(self.Size.values),
                }
        if not isinstance(self.keywords, list) or not all(isinstance(word, str) for word in self.keywords):
            errors["keywords"] = _("Give keywords as a list of strings.")
        if errors:
            raise ValidationError(errors)

    @property
    def expected(self) -> bool:
        """True while the record has only an expected window: its real dates are not announced."""
        return self.expected_from is not None and self.deadline is None

    def is_past(self, on: datetime.date | None = None) -> bool:
        """True once an event or a call is over; standing and expected records are never past."""
        if self.kind not in (self.Kind.CALL, self.Kind.EVENT) or self.expected:
            return False
        last = self.closes_on if self.kind == self.Kind.CALL else (self.ends_on or self.starts_on)
        return last is not None and last < (on or timezone.localdate())

    def opens_later(self, on: datetime.date | None = None) -> bool:
        """True for a call whose opening date is still ahead: scored and listed as upcoming, not open now."""
        return (
            self.kind == self.Kind.CALL and self.opens_on is not None and self.opens_on > (on or timezone.localdate())
        )

    @property
    def deadline(self) -> datetime.date | None:
        """The date that matters to a firm: a call's closing date or an event's first day."""
        return self.closes_on if self.kind != self.Kind.EVENT else self.starts_on
