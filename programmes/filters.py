"""The one FilterSet for opportunities, shared by the web listing and the API."""

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from portal.filters import FilterSet, ModelMultipleChoiceFilter, MultipleChoiceFilter
from portal.search import search_terms, term_q
from portal.text import country_name_sort_key, reading_japanese
from programmes.models import Opportunity, OpportunityArea, Organisation, TechnologyArea
from programmes.open_filter import (
    NEVER_OPEN_MESSAGE,
    NOW_OR_UPCOMING,
    OPEN_CHOICES,
    OPEN_NOW,
    OPEN_SCHEMA,
    PUBLISHED_ONLY,
    UPCOMING,
    OpenFilter,
)


def areas_in_reading_order(request: Any = None) -> QuerySet[TechnologyArea]:
    """The technology areas a filter offers, in the reader's order: by English name, or on /ja/ pages by the reading
    of the Japanese name (`NamedQuerySet.in_reading_order`), as the profile form lists them. django-filter calls it
    with the request when it builds the form, while the page's language is active."""
    return TechnologyArea.objects.in_reading_order(reading_japanese())


def organisations_in_reading_order(request: Any = None) -> QuerySet[Organisation]:
    """The organisations the listing's filter offers, in the reader's order, as `areas_in_reading_order`: by English
    name, or on /ja/ pages by the reading of the Japanese name (those with no reading after, by the name shown)."""
    return Organisation.objects.in_reading_order(reading_japanese())


# Sort keys offered to people and clients; "fit" needs a signed-in member of a firm.
ORDERING_CHOICES = [
    ("deadline", _("Deadline, soonest first")),
    ("-deadline", _("Deadline, latest first")),
    ("newest", _("Newest first")),
    ("title", _("Title")),
    ("fit", _("Best fit for my firm")),
]

# Filters only consultants have: anyone else's FilterSet leaves them out (OpportunityFilterSet.__init__), so a
# firm's staff or a visitor passing ?status=draft gets the listing they would get without it, never a draft.
CONSULTANT_FILTERS = ("status",)

# The filters on a record's deadline, which a record with only an expected window has not got.
DEADLINE_FILTERS = ("closes_after", "closes_before")

# Which records by their dates (issue #13); the default (left out) lists published records only, as before.
WHEN_CHOICES = [
    ("upcoming", _("Upcoming or expected")),
    ("past", _("Past editions")),
    ("standing", _("Standing (hubs, areas, programmes)")),
    ("any", _("Any time")),
]


# "Best fit for my firm" orders by the viewer's scores, which live above this app. The scoring app provides them
# (matching/apps.py registers matching.selectors.viewer_fit_score): (request, firm) -> an expression giving the
# score of FIRM (one of the viewer's firms the page picked, or None for their first) for each opportunity, or None when
# there is no firm to score for (docs/architecture.md, "Hooks").
FitScore = Callable[[Any, Any], Any]
_fit_score: list[FitScore] = []


def fit_score_provider(provider: FitScore) -> FitScore:
    """Register the one PROVIDER of the viewer's scores for the "fit" order."""
    _fit_score[:] = [provider]
    return provider


def country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the active language: django-countries' order (by English name) in
    English, the reading of the Japanese name (あいうえお順, `country_name_sort_key`) on /ja/ pages."""
    choices = [(code, str(name)) for code, name in countries]
    if reading_japanese():
        choices.sort(key=lambda choice: (country_name_sort_key(choice[1]), choice[1]))
    return choices


def country_upper(data: Any, name: str) -> Any:
    """DATA with its NAME country code in capitals: "au" is AU (the opportunity and notice filters both read it so).
    Every value given is kept, so that a repeated one is still seen as several (portal.filters.OneValueEachForm)."""
    if data is not None and data.get(name):
        data = data.copy()
        if hasattr(data, "setlist"):
            data.setlist(name, [value.strip().upper() for value in data.getlist(name)])
        else:
            data[name] = data[name].strip().upper()
    return data


# What `q` searches: a record's own text and its areas' names, each in English and Japanese, and its areas' lexicons
# (the acronyms and synonyms curated for each area, so that "EW" finds the electronic-warfare records) (docs/api.md).
SEARCHED_FIELDS = ("title", "title_ja", "summary", "summary_ja", "description", "keywords")
SEARCHED_AREA_FIELDS = ("name", "name_ja", "keywords")


class OpportunityFilterForm(forms.Form):
    """The FilterSet's form (its fields come from the filters): refuses a deadline range that holds no day, and
    "open now" with a status that is never open, which would otherwise list nothing without saying why; the listing,
    its CSV, the API and saved searches all show it."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        after, before = cleaned.get("closes_after"), cleaned.get("closes_before")
        if after and before and after > before:
            self.add_error(
                "closes_before",
                _("The range is empty: this date is before the “Deadline on or after” date. Swap or clear one."),
            )
        if cleaned.get("open") in PUBLISHED_ONLY and set(cleaned.get("status") or ()) - {Opportunity.Status.PUBLISHED}:
            self.add_error("status", NEVER_OPEN_MESSAGE)
        return cleaned


class OpportunityFilterSet(FilterSet):
    """Kind, area, organisation, open now, eligible country, deadline range, text search and ordering."""

    kind = MultipleChoiceFilter(
        choices=Opportunity.Kind.choices,
        label=_("Kind"),
        help_text=_("Kind of opportunity; repeat the parameter for several."),
    )
    technology_area = ModelMultipleChoiceFilter(
        field_name="technology_areas",
        to_field_name="slug",
        queryset=areas_in_reading_order,
        method="filter_technology_area",
        label=_("Technology area"),
        help_text=_("Technology area slug; repeat for several (records asking for any of them)."),
    )
    organisation = ModelMultipleChoiceFilter(
        field_name="organisations",
        to_field_name="slug",
        queryset=organisations_in_reading_order,
        method="filter_organisation",
        label=_("Organisation"),
        help_text=_("Organisation slug; repeat for several."),
    )
    open = OpenFilter(
        choices=OPEN_CHOICES,
        method="filter_open",
        label=_("Open, upcoming or closed"),
        help_text=OPEN_SCHEMA["description"],
    )
    closes_after = django_filters.DateFilter(
        method="filter_closes_after",
        label=_("Deadline on or after"),
        help_text=_("Deadline (closing date of a call, first day of an event) on or after this date."),
    )
    closes_before = django_filters.DateFilter(
        method="filter_closes_before",
        label=_("Deadline on or before"),
        help_text=_("Deadline on or before this date."),
    )
    # A callable: each request's FilterSet and form copy a reference, not 250 choices (that cost about 7 ms).
    eligible_country = django_filters.ChoiceFilter(
        choices=country_choices,
        method="filter_eligible_country",
        label=_("Eligible for country"),
        help_text=_("ISO country code: records open to firms from this country (or to any country)."),
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        help_text=_(
            "Words that must all appear in a title, summary, description, keywords, area name or an area's lexicon "
            "(Japanese titles, summaries and area names included). A word in Latin letters matches where a word "
            "starts (drone: drones), one of up to three letters only as a whole word (AI, EW, UAVs); Japanese "
            "matches anywhere."
        ),
    )
    when = django_filters.ChoiceFilter(
        choices=WHEN_CHOICES,
        method="filter_when",
        label=_("When"),
        help_text=_(
            "upcoming: events and calls not yet over, and expected editions; past: events and calls that are over, "
            "archived editions included; standing: hubs, priority areas and programmes; any: all of these. "
            "Left out: published records, as before."
        ),
    )
    # Consultants only (CONSULTANT_FILTERS): everyone else sees published records and past editions, whatever they ask.
    status = MultipleChoiceFilter(
        choices=Opportunity.Status.choices,
        label=_("Status"),
        help_text=_(
            "Consultants only (ignored for anyone else): draft, published or archived; repeat for several. "
            "Left out: every status a consultant may see."
        ),
    )
    ordering = django_filters.ChoiceFilter(
        choices=ORDERING_CHOICES,
        method="filter_ordering",
        label=_("Sort by"),
        empty_label=None,
        help_text=_("Sort order; soonest deadline first when left out."),
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []
        form = OpportunityFilterForm

    def __init__(self, data=None, *args, firm: Any = None, **kwargs) -> None:
        """FIRM: the viewer's firm "fit" sorts by, which a page picked among theirs (`?company=`); None for the
        viewer's first firm, as the API has it."""
        super().__init__(country_upper(data, "eligible_country"), *args, **kwargs)
        self.firm = firm
        if not self._consultant():
            # Not a filter for them at all: no field on the page, and the parameter is ignored, as an unknown one is.
            for name in CONSULTANT_FILTERS:
                del self.filters[name]

    # Method filters: the default predicate would compare the slugs with primary keys (django-filter applies
    # to_field_name to the form only), and a subquery needs no DISTINCT. The hints type the API schema.
    def filter_technology_area(self, queryset: QuerySet, name: str, value: list[TechnologyArea]) -> QuerySet:
        """Records asking for any of the areas given."""
        if not value:  # the form gives an empty QuerySet, not [], when the parameter is absent
            return queryset
        return queryset.filter(pk__in=OpportunityArea.objects.filter(technology_area__in=value).values("opportunity"))

    def filter_organisation(self, queryset: QuerySet, name: str, value: list[Organisation]) -> QuerySet:
        """Records run or backed by any of the organisations given."""
        if not value:
            return queryset
        links = Opportunity.organisations.through.objects.filter(organisation__in=value)
        return queryset.filter(pk__in=links.values("opportunity"))

    @extend_schema_field(OPEN_SCHEMA)  # true and false stay yes/no values for v1 clients (docs/api.md)
    def filter_open(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """By the records' dates as of today (Japan time). true: published calls taking proposals today (opened, not
        closed), events not yet over and standing records; a draft or archived record is open to nobody, so a
        consultant's "open now" leaves it out too. upcoming: published calls that open later and expected editions
        (`ahead_on`); now_or_upcoming: both. false: closed or past by their dates, which leaves out what is still
        ahead (an expected edition is neither open nor closed)."""
        today = timezone.localdate()
        published = Opportunity.objects.published()
        if value == OPEN_NOW:
            return queryset.filter(pk__in=published.accepting_on(today).values("pk"))
        if value == UPCOMING:
            return queryset.filter(pk__in=published.ahead_on(today).values("pk"))
        if value == NOW_OR_UPCOMING:  # ahead_on is upcoming_on less what is open now
            now, ahead = published.accepting_on(today), published.upcoming_on(today)
            return queryset.filter(Q(pk__in=now.values("pk")) | Q(pk__in=ahead.values("pk")))
        return queryset.exclude(pk__in=Opportunity.objects.open_on(today).values("pk")).exclude(
            pk__in=Opportunity.objects.upcoming_on(today).values("pk")
        )

    def filter_closes_after(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Deadline (a call's closing date, an event's first day) on or after VALUE."""
        return queryset.deadline_within(after=value, before=None)

    def filter_closes_before(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Deadline on or before VALUE."""
        return queryset.deadline_within(after=None, before=value)

    def filter_eligible_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Records open to any country, or naming VALUE among their eligible countries."""
        # Codes are stored comma-separated and are all two letters, so a substring match is exact.
        return queryset.filter(Q(eligible_countries="") | Q(eligible_countries__contains=value.upper()))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must be found (portal.search: Latin words where a word starts, acronyms as whole words,
        Japanese anywhere, a quoted phrase as its words in order) in the title, summary, description, keywords, an
        area's name (English or Japanese) or its lexicon. A search with no letter or digit ("[", ",") finds nothing:
        it has no word to find, and the listing says so."""
        area_fields = [f"technology_areas__{field}" for field in SEARCHED_AREA_FIELDS]
        terms = search_terms(value)
        if not terms:
            return queryset.none()
        for term in terms:
            in_area = Opportunity.objects.filter(term_q(area_fields, term)).values("pk")
            queryset = queryset.filter(term_q(SEARCHED_FIELDS, term) | Q(pk__in=in_area))
        return queryset

    def filter_when(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Upcoming, past, standing or any records, as of today in Japan."""
        today = timezone.localdate()
        if value == "upcoming":
            return queryset.filter(pk__in=Opportunity.objects.upcoming_on(today).values("pk"))
        if value == "past":
            return queryset.filter(pk__in=Opportunity.objects.past_on(today).values("pk"))
        if value == "standing":
            return queryset.filter(pk__in=Opportunity.objects.standing().values("pk"))
        return queryset

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Records in any of the statuses given (consultants only: the filter exists for nobody else)."""
        if not value:
            return queryset
        return queryset.filter(status__in=value)

    def filter_ordering(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._ordered(queryset, value)

    def _ordered(self, queryset: QuerySet, value: str | None) -> QuerySet:
        if value == "fit":
            score = _fit_score[0](self.request, self.firm) if _fit_score else None
            if score is not None:
                return queryset.annotate(fit=score).order_by(F("fit").desc(nulls_last=True), "title", "pk")
        if value == "newest":
            return queryset.order_by("-created_at", "-pk")
        if value == "title":
            return queryset.order_by("title", "pk")
        descending = value == "-deadline"
        deadline_order = F("deadline_on").desc(nulls_last=True) if descending else F("deadline_on").asc(nulls_last=True)
        return queryset.with_deadline().order_by(deadline_order, "title", "pk")

    def expected_left_out(self) -> QuerySet:
        """The expected editions a deadline filter leaves out: listed by the other filters, with an expected window
        that overlaps the deadline range, but no announced date for the filter to compare. Empty when no deadline
        filter applies; the listing names them rather than dropping them without a word."""
        cleaned = self.form.cleaned_data if self.is_valid() else {}
        after, before = cleaned.get("closes_after"), cleaned.get("closes_before")
        if not (after or before):
            return self.queryset.none()
        data = self.data.copy()
        for name in DEADLINE_FILTERS:
            data.pop(name, None)
        others = type(self)(data, queryset=self.queryset, request=self.request)
        return (
            others.qs.expected_within(after=after, before=before)
            .prefetch_related(None)
            .order_by("expected_from", "title", "pk")
        )

    def _consultant(self) -> bool:
        from portal.roles import is_consultant

        return is_consultant(getattr(self.request, "user", None))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("when") and not self._consultant():
            # Archived past editions are reachable with `when`; the default listing stays as it was.
            queryset = queryset.exclude(status=Opportunity.Status.ARCHIVED)
        # Without an explicit sort, soonest deadline first, so pages are stable.
        if not self.form.cleaned_data.get("ordering"):
            queryset = self._ordered(queryset, "deadline")
        return queryset


# The web listing's defaults, while the reader has chosen no filter: it lists what is open now or upcoming, since people
# come for what they can still act on or prepare for (the home page's upcoming calls and expected editions included);
# "open=" (Any) shows closed calls and past events too. Paging, sorting and whatever else a link carries (a tracking
# tag) choose no filter, so page 2 of a first visit is still "open now or upcoming". Once a filter is chosen the query
# is taken as is, so the page and the API filter identically. The API has no default, as in v1 from the start.
LISTING_DEFAULTS = {"open": NOW_OR_UPCOMING}
NOT_FILTERS = ("ordering",)


def listing_params(params: QueryDict, *, user: Any = None) -> QueryDict:
    """PARAMS as the web listing reads them for USER: with LISTING_DEFAULTS when they name none of the filters USER
    has (a consultant-only filter chooses nothing for anyone else)."""
    from portal.roles import is_consultant

    data = params.copy()
    filters = set(OpportunityFilterSet.base_filters) - set(NOT_FILTERS)
    if not is_consultant(user):
        filters -= set(CONSULTANT_FILTERS)
    if not set(data) & filters:
        data.update(LISTING_DEFAULTS)
    return data
