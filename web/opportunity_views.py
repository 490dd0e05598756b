"""Opportunity pages for company staff and the public: the filtered listing, its CSV export, and the detail page."""

import csv
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView

from companies.models import Company
from companies.selectors import viewer_company_list, viewer_company_pick
from matching import engine
from matching.selectors import (
    match_get,
    match_scores_for,
    notice_gaps_attach,
    opportunity_top_match_list,
    partner_gaps_attach,
    stored_match_count,
)
from portal.filterforms import filter_form_tune
from portal.filters import filter_errors_response
from portal.history import history_rows
from portal.paging import ForgivingPaginationMixin
from portal.roles import is_consultant
from portal.search import search_terms
from portal.spreadsheets import csv_download, csv_header, csv_row, csv_word, one_decimal
from portal.text import localised, reading_japanese
from programmes.filters import OpportunityFilterSet, country_choices, listing_params
from programmes.models import Opportunity
from programmes.open_filter import PUBLISHED_ONLY, open_read
from programmes.selectors import Withdrawn, opportunity_alternative_list, opportunity_withdrawn_get, unscored_because
from workspace.selectors import pipeline_entry_list_for, workspace_context

# Filter parameters as the listing shows them in its "active filters" list (the rest are paging and sorting).
FILTER_PARAMS = [
    "q",
    "kind",
    "technology_area",
    "organisation",
    "open",
    "eligible_country",
    "closes_after",
    "closes_before",
    "status",  # consultants only: anyone else's form has no such field, so it is never in use for them
]
HISTORY_ROWS = 5

# The export's columns: the name the English file has always used, and the label the Japanese export gives it.
# Organisations and areas are slugs in the English file (joined by ";"), for filtering in a spreadsheet or a script,
# and names in the Japanese one, whose reader cannot use a slug.
OPPORTUNITY_EXPORT_COLUMNS = [
    ("slug", gettext_lazy("Opportunity ID")),
    ("kind", gettext_lazy("Kind")),
    ("title", gettext_lazy("English title")),
    ("title_ja", gettext_lazy("Japanese title")),
    ("organisations", gettext_lazy("Organisations")),
    ("technology_areas", gettext_lazy("Technology areas")),
    ("deadline", gettext_lazy("Deadline")),
    ("opens_on", gettext_lazy("Opens on")),
    ("closes_on", gettext_lazy("Closes on")),
    ("starts_on", gettext_lazy("Starts on")),
    ("ends_on", gettext_lazy("Ends on")),
    ("venue", gettext_lazy("Venue")),
    ("url", gettext_lazy("URL")),
    ("status", gettext_lazy("Status")),
    ("confidence", gettext_lazy("Confidence")),
    ("last_verified_on", gettext_lazy("Last verified")),
]
SCORE_COLUMN = ("score", gettext_lazy("Score"))


def opportunity_filterset(request: HttpRequest, company: Company | None) -> OpportunityFilterSet:
    """The shared FilterSet bound to the query string with the listing's defaults (`listing_params`: open now unless
    the reader chose), over the records this viewer may see; "fit" sorts by COMPANY's scores."""
    queryset = Opportunity.objects.visible_to(request.user).for_listing()
    data = listing_params(request.GET, user=request.user)
    return OpportunityFilterSet(data, queryset=queryset, request=request, firm=company)


def listing_firm(request: HttpRequest) -> tuple[list[Company], Company | None]:
    """The viewer's firms and the one the listing scores for: `?company=<slug>` among theirs (another firm's slug
    is a 404, as on every page that acts for a firm), else their first."""
    companies = viewer_company_list(user=request.user)
    return companies, viewer_company_pick(companies=companies, slug=request.GET.get("company"))


def _open_only(data) -> bool:
    """Whether the listing leaves out closed calls and past events (open now, upcoming, or both), however `open` is
    spelt (true, 1, True); a value the filter refuses applies no filter, so it leaves out nothing."""
    return open_read(data.get("open")) in PUBLISHED_ONLY


def _tune_form(form: forms.Form, *, can_sort_by_fit: bool) -> None:
    """The shared web tuning, plus date pickers, a search field and the sort choices this viewer may use."""
    tick_boxes = ("kind", "technology_area", "organisation", *(("status",) if "status" in form.fields else ()))
    filter_form_tune(form, tick_boxes=tick_boxes)
    country = form.fields["eligible_country"]
    country.empty_label = _("Any country")  # set before the choices: django-filter puts it first, once
    country.choices = country_choices()  # in the reader's order (programmes.filters)
    for name in ("closes_after", "closes_before"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    form.fields["q"].widget = forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. laser radar")})
    if not can_sort_by_fit:
        ordering = form.fields["ordering"]
        ordering.choices = [c for c in ordering.choices if c[0] != "fit"]
        if form.data.get("ordering") == "fit":  # a shared link from a signed-in member, say
            ordering.error_messages["invalid_choice"] = _(
                "Best fit sorts by your firm's match scores: sign in as a member of a firm to use it."
            )


def _active_filters(data: QueryDict, form: forms.Form) -> list[tuple[str, str, str]]:
    """(label, value, query string without it) for each filter in use, so people can drop one at a time. A value the
    form refused is not in use (the filter falls back to "any" and its field says why), so it has no entry."""
    active = []
    for name in FILTER_PARAMS:
        if name in form.errors or name not in form.fields:
            continue
        for value in data.getlist(name):
            if not value:
                continue
            rest = data.copy()
            rest.setlist(name, [v for v in rest.getlist(name) if v != value])
            rest.pop("page", None)
            if name == "open":
                rest["open"] = ""  # explicitly "any": an empty query string means "open now or upcoming"
            # "Open now" / "Closed or past" say it all, however it is spelt (?open=1 is "Open now").
            label = "" if name == "open" else str(form.fields[name].label)
            shown = open_read(value) if name == "open" else value
            active.append((label, _display_value(form.fields[name], shown), rest.urlencode()))
    return active


def _display_value(field: forms.Field, value: str) -> str:
    """A filter value as people read it (the area's name, not its slug)."""
    for key, label in getattr(field.widget, "choices", None) or []:
        if str(getattr(key, "value", key)) == value:
            return str(label)
    return value


class OpportunityListView(ForgivingPaginationMixin, ListView):
    """Every record the viewer may see, filtered and sorted by the shared OpportunityFilterSet."""

    template_name = "programmes/opportunity_list.html"
    context_object_name = "opportunities"
    paginate_by = 20

    def get_queryset(self):
        self.companies, self.company = listing_firm(self.request)
        self.filterset = opportunity_filterset(self.request, self.company)
        _tune_form(self.filterset.form, can_sort_by_fit=bool(self.companies))
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        company = self.company  # the firm whose scores the rows show and "fit" sorts by
        page_ids = [opportunity.pk for opportunity in context["opportunities"]]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            form=self.filterset.form,
            company=company,
            companies=self.companies,
            # Links to a record and "Clear all" name the firm for a person with several, as links from My matches do.
            firm_query=f"company={company.slug}" if company and len(self.companies) > 1 else "",
            scores=match_scores_for(user=self.request.user, company=company, opportunity_ids=page_ids),
            **workspace_context(user=self.request.user, company=company, opportunity_ids=page_ids),  # workspace (#14)
            active_filters=_active_filters(self.filterset.data, self.filterset.form),
            open_only=_open_only(self.filterset.data),
            query=self.request.GET.get("q", ""),
            query_words=search_terms(self.request.GET.get("q", "")),
            querystring=query.urlencode(),
            include_closed_query=_query_with(self.filterset.data, open=""),
            expected_left_out=list(self.filterset.expected_left_out()),
            own_country_query=_query_with(self.filterset.data, eligible_country=company.country.code)
            if company
            else "",
            today=timezone.localdate(),
        )
        return context


def _query_with(data: QueryDict, **changes: str) -> str:
    """The query string of the listing in use (with its defaults, as the FilterSet read it) with CHANGES made and no
    page number: a shortcut narrows or widens what the reader chose, it does not start over."""
    query = data.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


@cache_control(private=True)  # holds the firm's scores for its staff (issue 17)
def opportunity_export(request: HttpRequest) -> HttpResponse:
    """The filtered listing as CSV (every matching row, not one page), with the score of the listing's firm
    (`?company=`, else the viewer's first) for its staff."""
    _companies, company = listing_firm(request)
    filterset = opportunity_filterset(request, company)
    if not filterset.is_valid():  # a bad filter value must not export every record as if it were applied
        return filter_errors_response(filterset.form)
    opportunities = list(filterset.qs)
    scores = match_scores_for(user=request.user, company=company, opportunity_ids=[o.pk for o in opportunities])
    response = csv_download("kakehashi-opportunities.csv")
    writer = csv.writer(response)
    writer.writerow(csv_header([*OPPORTUNITY_EXPORT_COLUMNS, *([SCORE_COLUMN] if company else [])]))
    for opportunity in opportunities:
        row = _opportunity_export_row(opportunity)
        if company:
            match = scores.get(opportunity.pk)
            row.append(one_decimal(match.score) if match else "")
        writer.writerow(csv_row(row))
    return response


def _listed(records: Iterable[Any]) -> str:
    """RECORDS joined by ";": their slugs in English, their Japanese names under /ja/."""
    return ";".join(localised(record) if reading_japanese() else record.slug for record in records)


def _opportunity_export_row(opportunity: Opportunity) -> list[object]:
    """OPPORTUNITY as a row of the export: slugs, ISO dates and both titles as they are, words in the reader's
    language."""
    return [
        opportunity.slug,
        csv_word(opportunity.kind, opportunity.get_kind_display()),
        opportunity.title,
        opportunity.title_ja,
        _listed(opportunity.organisations.all()),
        _listed(link.technology_area for link in opportunity.area_links.all()),
        opportunity.deadline or "",
        opportunity.opens_on or "",
        opportunity.closes_on or "",
        opportunity.starts_on or "",
        opportunity.ends_on or "",
        opportunity.venue,
        opportunity.url,
        csv_word(opportunity.status, opportunity.get_status_display()),
        csv_word(opportunity.confidence, opportunity.get_confidence_display()),
        opportunity.last_verified_on or "",
    ]


class OpportunityDetailView(DetailView):
    """One record in full: eligibility, sources, related records, history, and the viewer's firm's fit."""

    template_name = "programmes/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_queryset(self):
        return Opportunity.objects.visible_to(self.request.user).for_detail()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            withdrawn = opportunity_withdrawn_get(slug=kwargs["slug"])
            if withdrawn is None:
                raise
            return _withdrawn_page(request, withdrawn)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        opportunity, user = self.object, self.request.user
        companies = viewer_company_list(user=user)
        company = _firm_named(companies, self.request.GET.get("company"))
        match = match_get(user=user, company=company, opportunity=opportunity)
        if match is not None:
            notice_gaps_attach([match])  # notices bearing on this firm's match (issue #13)
            partner_gaps_attach([match])  # the partners to talk to on a partner gap, as the gap plan names them
        context.update(
            company=company,
            # The links to the listing and to related records keep the firm for a person with several.
            firm_query=f"company={company.slug}" if company and len(companies) > 1 else "",
            match=match,
            unscored_because=_unscored_because(company, opportunity) if company is not None and match is None else None,
            kept_matches=engine.TOP_K,
            unreachable_after=settings.SOURCES_UNREACHABLE_AFTER,
            **workspace_context(user=user, company=company, opportunity_ids=[opportunity.pk]),  # workspace (#14)
            top_matches=opportunity_top_match_list(user=user, opportunity=opportunity) if is_consultant(user) else [],
            history=history_rows(opportunity.history, limit=HISTORY_ROWS, disclose=is_consultant(user)),
            # Only related records the viewer may open: a draft or archived title is not public (issue 17).
            related=list(Opportunity.objects.visible_to(user).filter(related=opportunity)),
            eligible_sizes=[label for value, label in Opportunity.Size.choices if value in opportunity.eligible_sizes],
            display_title=localised(opportunity),
            today=timezone.localdate(),
        )
        return context


def _firm_named(companies: list[Company], slug: str | None) -> Company | None:
    """The viewer's firm ?company= names (a link from that firm's matches), else their first. A public page: a slug
    that is not one of theirs (a link someone shared) reads as none given, never as a 404 or another firm's fit."""
    return next((company for company in companies if company.slug == slug), companies[0] if companies else None)


def _withdrawn_page(request: HttpRequest, withdrawn: Withdrawn) -> HttpResponse:
    """410 Gone for a record that was public and is archived: when, the viewer's pipeline entries for it, and current
    records in its areas. Alerts about the archiving link here (docs/alerts.md); the archive reason is a consultants'
    note (issue 17) and is not shown."""
    opportunity, user = withdrawn.opportunity, request.user
    context = {
        "opportunity": opportunity,
        "display_title": localised(opportunity),
        "archived_at": withdrawn.archived_at,
        "entries": pipeline_entry_list_for(user=user, opportunity=opportunity),
        "alternatives": opportunity_alternative_list(opportunity=opportunity, user=user),
        "areas": [link.technology_area for link in opportunity.area_links.all()],
    }
    return render(request, "programmes/opportunity_withdrawn.html", context, status=410)


def _unscored_because(company: Company, opportunity: Opportunity) -> str | None:
    """Why COMPANY has no stored match for OPPORTUNITY: the record's own reason
    (programmes.selectors.unscored_because), or "below_kept" when the firm already keeps its TOP_K best matches (a
    firm's weaker scores are not stored, unless they reach engine.FLOOR), or None when the next scoring run has not
    reached the record."""
    reason = unscored_because(opportunity)
    if reason is None and stored_match_count(company=company) >= engine.TOP_K:
        return "below_kept"
    return reason
