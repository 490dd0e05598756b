"""Japanese organisations that foreign firms team with, the introductions consultants broker, and partner fit."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from companies.models import Company
from portal.dbfunctions import code_point_order
from portal.models import KanaReadingModel
from portal.roles import Viewer
from portal.text import kana_reading_check, localised, localised_field, punct
from programmes.models import Confidence, Opportunity, SourceFields, TechnologyArea
from programmes.source_models import verified_on_check


class PartnerQuerySet(models.QuerySet):
    """Reads of partners shared by pages, the API and the scorer."""

    def for_listing(self) -> "PartnerQuerySet":
        """Everything a listing row shows, in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch("area_links", queryset=PartnerArea.objects.select_related("technology_area")),
        )

    def in_reading_order(self, japanese: bool) -> "PartnerQuerySet":
        """By English name, letter case aside (IRspec after Innophys). For a Japanese reader, by the reading of
        the Japanese name (あいうえお順: `name_sort`, compared code point by code point on every database), then
        partners with a Japanese name but no reading, then those with neither, each by name."""
        if not japanese:
            return self.order_by(Lower("name"), "name", "pk")
        unread = Case(When(name_kana="", name_ja="", then=Value(2)), When(name_kana="", then=Value(1)), default=0)
        return self.order_by(
            unread, code_point_order("name_sort"), code_point_order("name_kana"), "name_ja", "name", "pk"
        )

    def for_detail(self, user: Viewer | None) -> "PartnerQuerySet":
        """A listing row plus sources, foreign partnerships and the known programmes USER may open (a draft record
        it works on is the consultants' until it is published)."""
        programmes = models.Prefetch("programmes", queryset=Opportunity.objects.visible_to(user))
        return self.for_listing().prefetch_related("sources", programmes, "foreign_partnerships")


def short_names_normalised(text: str) -> str:
    """TEXT, a comma-separated list of short names ("MHI,, ,Mitsubishi HI, mhi"), as one clean list ("MHI,
    Mitsubishi HI")."""
    names: dict[str, str] = {}
    for name in (part.strip() for part in text.split(",")):
        if name:
            names.setdefault(name.casefold(), name)
    return ", ".join(names.values())


class Partner(KanaReadingModel):
    """A Japanese organisation (a prime, supplier, start-up, research body or trading house) to team with.

    Its reading (`name_kana`) and sort key (`name_sort`, written on save) come from `portal.models.KanaReadingModel`.
    """

    class Role(models.TextChoices):
        PRIME = "prime", _("Prime contractor")
        SUPPLIER = "supplier", _("Supplier")
        STARTUP = "startup", _("Start-up")
        SME = "sme", _("SME")
        RESEARCH = "research", _("Research body")
        TRADING_HOUSE = "trading_house", _("Trading house")
        INDUSTRY_BODY = "industry_body", _("Industry body")

    class Size(models.TextChoices):
        STARTUP = "startup", _("Start-up")
        SME = "sme", _("SME")
        LARGE = "large", _("Large")
        PUBLIC = "public", _("Public body or association")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("Japanese name"), max_length=200, blank=True)
    name_kana = models.CharField(
        _("reading of the Japanese name"),
        max_length=200,
        blank=True,
        validators=[kana_reading_check],
        help_text=_(
            "In kana, as a Japanese reader says it (三菱重工業: みつびしじゅうこうぎょう). "
            "The Japanese list of partners is sorted by it. Katakana is kept as hiragana."
        ),
    )
    # People name the big firms by initials (MHI, KHI, JMU) that their names hold only spread out, so a search for
    # them would find nothing: the short names people use are curated with the record.
    short_names = models.CharField(
        _("short names"),
        max_length=200,
        blank=True,
        help_text=_("Acronyms and short names people use for it, separated by commas (MHI, MELCO); searched."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_ja = models.CharField(_("city (Japanese)"), max_length=100, blank=True)
    capabilities = models.TextField(
        _("capabilities"), help_text=_("What it makes or does, in English: the scorer reads it.")
    )
    capabilities_ja = models.TextField(_("capabilities (Japanese)"), blank=True)
    technology_areas = models.ManyToManyField(
        TechnologyArea, verbose_name=_("technology areas"), through="PartnerArea", related_name="partners", blank=True
    )
    programmes = models.ManyToManyField(
        Opportunity,
        verbose_name=_("programmes"),
        related_name="partners",
        blank=True,
        help_text=_("Known programmes and records it works on."),
    )
    # A public web page (an enquiry form, a defence business page): never a private person's details.
    contact_url = models.URLField(
        _("public contact page"),
        max_length=500,
        blank=True,
        help_text=_("The organisation's own page; left empty when no source gives one, and never a news article."),
    )
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
    history = HistoricalRecords(m2m_fields=[programmes], excluded_fields=["name_sort"])

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=["prime", "supplier", "startup", "sme", "research", "trading_house", "industry_body"]
                ),
                name="%(app_label)s_%(class)s_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """Short names are kept as one list: each trimmed, empty ones and repeats in any case dropped (the first as
        written), joined by ", "; and "last verified" is no later than today. The admin, the curated load and
        partner_save all clean here."""
        super().clean()
        self.short_names = short_names_normalised(self.short_names)
        verified_on_check(self.last_verified_on)

    @property
    def city_shown(self) -> str:
        """The city in the reader's language: its Japanese name on /ja/ pages where it is known."""
        return localised_field(self, "city")[0]


class PartnerArea(models.Model):
    """How strongly a partner works in one technology area (weight 0-1)."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="area_links")
    technology_area = models.ForeignKey(
        TechnologyArea, verbose_name=_("technology area"), on_delete=models.CASCADE, related_name="partner_links"
    )
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    class Meta:
        ordering = ["-weight", "technology_area__slug"]
        verbose_name = _("technology area of a partner")
        constraints = [
            models.UniqueConstraint(fields=["partner", "technology_area"], name="%(app_label)s_%(class)s_unique_area"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1), name="%(app_label)s_%(class)s_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technology_area.slug} ({self.weight:.2f})"


class PartnerSource(SourceFields):
    """A public page that backs a partner record, with when it was read and how far it can be trusted."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="sources")
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner", "pk"]
        verbose_name = _("partner source")
        verbose_name_plural = _("partner sources")
        constraints = [
            models.UniqueConstraint(fields=["partner", "url"], name="%(app_label)s_%(class)s_unique_partner_url")
        ]


class ForeignPartnership(models.Model):
    """A known tie between a Japanese partner and a foreign firm or government, with the page that reports it."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="foreign_partnerships"
    )
    counterpart = models.CharField(_("counterpart"), max_length=200)
    country = CountryField(_("country"))
    summary = models.TextField(_("summary"))
    source_url = models.URLField(_("source URL"), max_length=500)
    confidence = models.CharField(_("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.HIGH)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner", "counterpart", "pk"]
        verbose_name = _("foreign partnership")
        verbose_name_plural = _("foreign partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "counterpart"], name="%(app_label)s_%(class)s_unique_partner_counterpart"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} ~ {self.counterpart}"

    def get_absolute_url(self) -> str:
        return self.source_url


class IntroductionQuerySet(models.QuerySet):
    """Reads of introduction requests; the access rule is written once here."""

    def visible_to(self, user) -> "IntroductionQuerySet":
        """Consultants see every request; staff see their own firms' requests; anyone else sees none."""
        return self.filter(company__in=Company.objects.visible_to(user))

    def open(self) -> "IntroductionQuerySet":
        """Requests a consultant has not closed yet."""
        return self.filter(status__in=Introduction.OPEN)

    def for_listing(self) -> "IntroductionQuerySet":
        """Every column a row shows, in one query."""
        return self.select_related("company", "partner", "opportunity", "requested_by")


class Introduction(models.Model):
    """A firm's request that a consultant introduce it to a Japanese partner, and how far that got."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_REVIEW = "in_review", _("In review")
        INTRODUCED = "introduced", _("Introduced")
        DECLINED = "declined", _("Declined")

    OPEN = (Status.REQUESTED, Status.IN_REVIEW)

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="introductions", verbose_name=_("firm"))
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="introductions", verbose_name=_("partner")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introductions",
        verbose_name=_("opportunity"),
    )
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    # Shown to the firm: why it was declined, or how the introduction was made.
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    # Consultants' working notes; never shown to the firm.
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("introduction request")
        verbose_name_plural = _("introduction requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "in_review", "introduced", "declined"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            # One open request per firm, partner and opportunity (no opportunity counts as one value).
            models.UniqueConstraint(
                "company",
                "partner",
                Coalesce("opportunity", Value(0)),
                condition=Q(status__in=["requested", "in_review"]),
                name="%(app_label)s_%(class)s_unique_open_request",
                violation_error_message=_("An open request for this firm, partner and opportunity already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {localised(self.partner)}{punct(' (')}{self.get_status_display()}{punct(')')}"

    def get_absolute_url(self) -> str:
        return reverse("partners:introduction_detail", kwargs={"pk": self.pk})


class PartnerFitQuerySet(models.QuerySet):
    """Reads of partner fits shared by pages and the API."""

    def visible_to(self, user) -> "PartnerFitQuerySet":
        """Consultants see every fit; staff see their own firms' fits."""
        return self.filter(company__in=Company.objects.visible_to(user))

    def best_first(self) -> "PartnerFitQuerySet":
        """Highest score first, with a stable tie-break."""
        return self.order_by("-score", "partner__slug")


class PartnerFit(models.Model):
    """How well one firm fits one Japanese partner: a 0-100 score, its parts, reasons and gaps as items."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="partner_fits", db_index=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="fits", db_index=False)
    score = models.FloatField()
    # {"shared_areas": {"value": 0.8, "weight": 0.5, "contribution": 40.0}, ...}; contributions sum to score.
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)  # [{"code": ..., "params": {...}}]
    gaps = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    objects = PartnerFitQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("partner fit")
        verbose_name_plural = _("partner fits")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "partner"], name="%(app_label)s_%(class)s_unique_company_partner"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="%(app_label)s_%(class)s_score_range"
            ),
        ]
        indexes = [models.Index(fields=["company", "-score"], name="partners_fit_company_score")]

    def __str__(self) -> str:
        return f"{self.company} ~ {self.partner}: {self.score:.1f}"

    def get_absolute_url(self) -> str:
        return self.partner.get_absolute_url()
