"""The firms Kakehashi scores, and the staff who belong to them."""

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.http import host_is_public
from portal.text import labelled, punct
from programmes.models import Certification, TechnologyArea

# A firm's founding year runs from FOUNDED_MIN to this year (the CSV import checks the same range, in its own words).
FOUNDED_MIN = 1800


def founded_year_validate(value: int | None) -> None:
    """Refuse a founding year before FOUNDED_MIN or after this year in Japan: forms, the admin and the API."""
    this_year = timezone.localdate().year
    if value is not None and not FOUNDED_MIN <= value <= this_year:
        raise ValidationError(
            _("Enter a year from %(first)d to %(last)d."),
            code="founded_range",
            params={"first": FOUNDED_MIN, "last": this_year},
        )


# The most a firm's description may hold, in characters: the longest curated firm writes about 650 and the ranking
# development set's longest about 470, so this leaves room for a long profile while bounding what the matcher reads.
# The form, the admin, the API (all through the model's validator) and the CSV import check the same number.
DESCRIPTION_MAX = 5000


def _length_check(value: str, limit: int, message: Any, code: str) -> None:
    """Refuse VALUE when it holds more than LIMIT characters, with MESSAGE (its %(limit)s and %(length)s filled)."""
    if len(value) > limit:
        raise ValidationError(message, code=code, params={"limit": f"{limit:,}", "length": f"{len(value):,}"})


def description_length_validate(value: str) -> None:
    """Refuse a description longer than DESCRIPTION_MAX characters: forms, the admin and the API."""
    said = _("The description may hold at most %(limit)s characters; this one has %(length)s.")
    _length_check(value, DESCRIPTION_MAX, said, "description_length")


# The most a firm's export-control notes may hold, in characters: the curated firms write under 100 (the items and
# the licence in a sentence), so this leaves room for several items with their licence numbers while keeping a huge
# paste out of the profile page and the API. Notes stored before the limit stay as they are (companies.rules
# .unchanged_fields); only a new value is judged. The form, the admin and the API (through the services) check it.
EXPORT_NOTES_MAX = 2000


def export_notes_length_validate(value: str) -> None:
    """Refuse export-control notes longer than EXPORT_NOTES_MAX characters: forms, the admin and the API."""
    said = _("The export control notes may hold at most %(limit)s characters; these have %(length)s.")
    _length_check(value, EXPORT_NOTES_MAX, said, "export_notes_length")


# Top-level names that never name a website on the internet (RFC 2606, RFC 6761, RFC 6762).
RESERVED_NAME_SUFFIXES = (".test", ".example", ".invalid", ".localhost", ".local")


def website_validate(value: str) -> None:
    """A firm's website, as its page links to it: https:// and a public host, never a local or private address (the
    rule webhooks apply to resolved addresses, here without resolving), nor a name reserved for tests and examples,
    nor a user name or password before the host. Forms, the admin, the API and the CSV import.
    """
    if not value:
        return
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return  # malformed: the URL validator says so
    if parts.scheme.lower() != "https":
        raise ValidationError(_("Give the address starting with https://."), code="website_scheme")
    if "@" in parts.netloc:  # user:pass@host: the firm's page would show the credentials to everyone
        raise ValidationError(
            _("Give the address without a user name or password: the firm's page shows it to everyone."),
            code="website_userinfo",
        )
    if host.rstrip(".").lower().endswith(RESERVED_NAME_SUFFIXES):
        raise ValidationError(
            _("%(host)s is a name reserved for tests and examples, never a website: give the firm's public website."),
            code="website_reserved",
            params={"host": host},
        )
    if not host_is_public(host):
        raise ValidationError(
            _("%(host)s is not a public address on the internet: give the firm's public website."),
            code="website_host",
            params={"host": host},
        )


def website_outdated(value: str) -> str | None:
    """Why today's rule would refuse the stored website VALUE (an http:// address kept from before the https-only
    rule), as the profile tells the firm's editors; None when it passes. It is kept until someone changes it."""
    try:
        website_validate(value)
    except ValidationError as exc:
        return gettext(
            "The stored website would not be accepted today: %(why)s It is kept, and other changes save as before, "
            "until it is replaced."
        ) % {"why": exc.messages[0]}
    return None


class CompanyQuerySet(models.QuerySet):
    """Reads of companies shared by pages, the API and the admin."""

    def visible_to(self, user) -> "CompanyQuerySet":
        """Consultants see every firm; staff see the firms they belong to; anyone else sees none."""
        from portal.roles import is_consultant

        if is_consultant(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def member_of(self, user) -> "CompanyQuerySet":
        """The firms USER works for (their memberships), whatever their role; consultants included."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct().order_by("name", "pk")

    def editable_by(self, user) -> "CompanyQuerySet":
        """Consultants edit every firm; staff edit only the firms where they are editors."""
        from portal.roles import is_consultant

        if is_consultant(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Membership.Role.EDITOR).distinct()


class CompanyCertificationQuerySet(models.QuerySet):
    """Reads of the certifications firms hold: the matcher counts the valid ones, the profile marks the expired."""

    def valid(self, on: datetime.date | None = None) -> "CompanyCertificationQuerySet":
        """The certificates still valid on ON (today in Japan): no expiry date, or one on or after ON (a certificate
        counts through its expiry day). Only these count for scoring; the one definition the other methods use."""
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on or timezone.localdate()))

    def expired(self, on: datetime.date | None = None) -> "CompanyCertificationQuerySet":
        """The certificates whose expiry date had passed by ON (today in Japan): kept, but not counted for scoring."""
        return self.exclude(pk__in=self.valid(on).values("pk"))

    def with_expired(self, on: datetime.date | None = None) -> "CompanyCertificationQuerySet":
        """Each certificate with `expired` (True once past its expiry date by ON), for pages that list them all."""
        return self.annotate(expired=~models.Exists(self.model.objects.valid(on).filter(pk=models.OuterRef("pk"))))


class CompanyCertification(models.Model):
    """A certification a firm holds, with its expiry date where known."""

    company = models.ForeignKey(
        "Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="certification_links"
    )
    certification = models.ForeignKey(
        Certification, verbose_name=_("certification"), on_delete=models.CASCADE, related_name="holder_links"
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = CompanyCertificationQuerySet.as_manager()

    class Meta:
        ordering = ["certification__code"]
        verbose_name = _("certification held")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "certification"], name="%(app_label)s_%(class)s_unique_company_certification"
            )
        ]

    def __str__(self) -> str:
        return labelled(self.company, self.certification)


class Company(models.Model):
    """An Australian, US or Japanese dual-use technology firm, as the matcher reads it."""

    class Size(models.TextChoices):
        STARTUP = "startup", _("Start-up")
        SME = "sme", _("SME")
        LARGE = "large", _("Large")

    class Presence(models.TextChoices):
        NONE = "none", _("None")
        PARTNER = "partner", _("Japanese partner")
        OFFICE = "office", _("Office or entity in Japan")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(
        _("country"),
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    founded = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True, validators=[founded_year_validate])
    website = models.URLField(_("website"), max_length=300, blank=True, validators=[website_validate])
    description = models.TextField(
        _("description"),
        validators=[description_length_validate],
        help_text=_("What the firm makes, in its own words: the matcher reads this."),
    )
    technology_areas = models.ManyToManyField(
        TechnologyArea, verbose_name=_("technology areas"), related_name="companies", blank=True
    )
    trl = models.PositiveSmallIntegerField(
        _("TRL"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Technology readiness level of the firm's lead product, 1-9."),
    )
    certifications = models.ManyToManyField(
        Certification,
        verbose_name=_("certifications"),
        through=CompanyCertification,
        related_name="companies",
        blank=True,
    )
    export_control_notes = models.TextField(
        _("export control notes"), blank=True, validators=[export_notes_length_validate]
    )
    itar_controlled = models.BooleanField(_("ITAR items"), default=False)
    ear_controlled = models.BooleanField(_("EAR items"), default=False)
    dsgl_controlled = models.BooleanField(_("DSGL items"), default=False)
    japan_presence = models.CharField(
        _("presence in Japan"), max_length=10, choices=Presence.choices, default=Presence.NONE
    )
    # Issue 15: a match at or above this score is news to the firm ("match.created"), and a move of 10 points or
    # more that ends or starts at or above it is worth telling ("match.moved"); see docs/alerts.md.
    alert_threshold = models.PositiveSmallIntegerField(
        _("alert threshold"),
        default=60,
        db_default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Tell the firm about matches scoring at least this much (0-100)."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[technology_areas, certifications])

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(
                condition=Q(size__in=["startup", "sme", "large"]), name="%(app_label)s_%(class)s_size_valid"
            ),
            models.CheckConstraint(
                condition=Q(trl__isnull=True) | Q(trl__gte=1, trl__lte=9), name="%(app_label)s_%(class)s_trl_range"
            ),
            models.CheckConstraint(
                condition=Q(japan_presence__in=["none", "partner", "office"]),
                name="%(app_label)s_%(class)s_japan_presence_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("companies:company_detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """Links a staff user to the firm they work for, as a viewer or an editor of its profile."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("Viewer")
        EDITOR = "editor", _("Editor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["company__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="%(app_label)s_%(class)s_unique_user_company"),
            models.CheckConstraint(
                condition=Q(role__in=["viewer", "editor"]), name="%(app_label)s_%(class)s_role_valid"
            ),
        ]

    def __str__(self) -> str:
        role = f"{punct(' (')}{self.get_role_display()}{punct(')')}"
        return gettext("%(user)s%(role)s at %(company)s") % {"user": self.user, "role": role, "company": self.company}


class CompanyImport(models.Model):
    """A CSV file of firms uploaded in the admin and imported in the background, with its progress and outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="company_imports"
    )
    file_name = models.CharField(max_length=255)
    # The file itself, until the import is over: web and workers share the database, not a disk.
    data = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # The first firms created and updated, by name in the file's order (importing.NAMES_KEPT of each): the status
    # page names them as the command and the inline upload do.
    created_names = models.JSONField(default=list, blank=True)
    updated_names = models.JSONField(default=list, blank=True)
    # The firms updated whose own staff had edited them since their last import, counted and the first ones named.
    overwritten = models.PositiveIntegerField(default=0)
    overwritten_names = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text=_("The first problems found, as messages."))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("company import")
        verbose_name_plural = _("company imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:companies_company_import_status", kwargs={"import_id": self.pk})
