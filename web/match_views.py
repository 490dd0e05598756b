"""Match pages for company staff: "my matches" with score bars and the gap plan, and its CSV export.

Site layer: each row carries the firm's workspace (pipeline stage, "not relevant" mark), so the pages live above
matching and workspace.
"""

import csv
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from companies.confirmations import with_rescore_note, works_for
from companies.models import Company
from companies.selectors import company_for_edit, viewer_company_list, viewer_company_pick
from matching.filters import MatchFilterSet
from matching.freshness import company_freshness
from matching.messages import names_for
from matching.messages import render as render_item
from matching.models import Match
from matching.names import Names
from matching.selectors import (
    COMPONENT_LABELS,
    area_suggestion_list,
    match_list,
    notice_gaps_attach,
    score_segments,
)
from matching.services import area_dismissal_add, area_dismissal_remove, area_suggestion_tick
from portal.filterforms import filter_form_tune
from portal.filters import BooleanFilter, BooleanSelect, boolean_param, filter_errors_response
from portal.paging import forgiving_page
from portal.roles import is_consultant
from portal.spreadsheets import csv_download, csv_header, csv_row, csv_word, one_decimal
from portal.text import localised, punct
from programmes.models import TechnologyArea
from web.selectors import company_gap_matches, company_gap_plan
from workspace.forms import bulk_actions
from workspace.selectors import with_workspace
from workspace.services import workspace_can_edit

MATCHES_PER_PAGE = 20

# The export's columns: the name the English file has always used, and the label the Japanese export gives it.
MATCH_EXPORT_COLUMNS = [
    ("company", _("Firm ID")),
    ("opportunity", _("Opportunity ID")),
    ("title", _("Title")),
    ("kind", _("Kind")),
    ("deadline", _("Deadline")),
    ("score", _("Score")),
    ("eligible", _("Eligible to apply")),
    *COMPONENT_LABELS.items(),
    ("reasons", _("Reasons")),
    ("gaps", _("Gaps")),
]


class MatchPageFilterSet(MatchFilterSet):
    """The API's match filters, and whether the page and its export show the matches the firm dismissed."""

    show_dismissed = BooleanFilter(method="keep", label=_("Show dismissed"))

    def keep(self, queryset, name, value):
        return queryset  # applied before the filters (with_workspace); here it is only checked


def _show_dismissed(request: HttpRequest) -> bool:
    """Whether the dismissed matches are asked for; a value that is neither yes nor no is False, and the filter
    form names it beside the box (the page) or in a 400 (the export)."""
    try:
        return boolean_param(request.GET, "show_dismissed")
    except ValidationError:
        return False


def _match_filterset(request: HttpRequest, company) -> MatchPageFilterSet:
    """The match filters over COMPANY's matches as this viewer may see them."""
    queryset = match_list(user=request.user, company=company) if company else Match.objects.none()
    # workspace (#14): each row's pipeline stage and "not relevant" mark; dismissed rows only when asked for
    queryset = with_workspace(queryset, include_dismissed=_show_dismissed(request))
    return MatchPageFilterSet(request.GET, queryset=queryset, request=request)


def _tune_form(form: forms.Form) -> None:
    """The shared web tuning, plus a plain choice for eligibility."""
    filter_form_tune(form, tick_boxes=("kind", "technology_area"))
    eligible = BooleanSelect()  # shows the choice applied for every spelling the filter reads (?eligible=1)
    eligible.choices = [("", _("All matches")), ("true", _("Eligible only")), ("false", _("Not eligible"))]
    form.fields["eligible"].widget = eligible
    form.fields["eligible"].label = _("Eligibility")  # its choices are all, eligible only and not eligible


@cache_control(private=True)  # a firm's scores: never kept by a shared cache (issue 17)
@login_required
def match_list_view(request: HttpRequest) -> HttpResponse:
    """The firm's matches best first, filtered by kind and area, with the gap plan over its top matches."""
    companies = viewer_company_list(user=request.user)
    company = viewer_company_pick(companies=companies, slug=request.GET.get("company"))
    filterset = _match_filterset(request, company)
    _tune_form(filterset.form)
    page = forgiving_page(Paginator(filterset.qs, MATCHES_PER_PAGE), request.GET.get("page"))
    names = names_for(request)
    suggestions = area_suggestion_list(company=company, names=names)
    # The gap plan's "little technology fit" counts records in the firm's field: the areas it ticks or is suggested.
    suggested = [suggestion["area"] for suggestion in suggestions]
    plan_matches = company_gap_matches(user=request.user, company=company, suggested=suggested)
    # Notices bearing on these matches and on the gap plan's (issue #13), read once for both.
    notice_gaps_attach([*page.object_list, *plan_matches])
    query = request.GET.copy()
    query.pop("page", None)
    # One rule for both: the firm's editors and consultants change its workspace and its profile (editable_by).
    can_edit = bool(company) and workspace_can_edit(user=request.user, company=company)
    context = {
        "can_edit_workspace": can_edit,
        "bulk_actions": bulk_actions(),
        "show_dismissed": _show_dismissed(request),
        "companies": companies,
        "company": company,
        "filterset": filterset,
        "form": filterset.form,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "matches": page.object_list,
        "querystring": query.urlencode(),
        "gap_plan": company_gap_plan(user=request.user, company=company, names=names, matches=plan_matches),
        "area_suggestions": suggestions,
        "can_edit_profile": can_edit,
        "is_consultant": is_consultant(request.user),  # who a consultant is: portal.roles, not the admin's is_staff
        "freshness": company_freshness(company=company) if company else None,
    }
    return render(request, "matching/match_list.html", context)


# Where a tick or a dismissal was made, as its history row says it (stored in English, read in the reader's
# language).
TICK_REASONS = {
    "matches": gettext_noop("Ticked a suggested area on My matches"),
    "profile": gettext_noop("Ticked a suggested area on the firm's profile"),
}
DISMISS_REASONS = {
    "matches": gettext_noop("Dismissed a suggested area on My matches"),
    "profile": gettext_noop("Dismissed a suggested area on the firm's profile"),
}
UNDO_REASON = gettext_noop("Undid a dismissed suggestion on the firm's profile")  # undo lives on the profile only


@dataclass(frozen=True)
class AreaPost:
    """A POST about one of a firm's suggested areas, checked once for the tick, the dismissal and its undo."""

    company: Company
    mine: bool  # the poster works for the firm (else a consultant acting for it)
    source: str  # the page it was sent from, "matches" or "profile"
    back: str  # where to send the poster back to
    area: TechnologyArea | None  # None for an unknown slug


def _area_post(request: HttpRequest, *, source: str | None = None) -> AreaPost:
    """The firm and area a suggestion's POST names, for its editors and consultants: another firm is a 404, a viewer
    of this one a 403 (companies.selectors.company_for_edit). SOURCE, if given, is the only page the action lives on."""
    company = company_for_edit(user=request.user, slug=request.POST.get("company", ""))
    mine = works_for(request.user, company)
    # Back to the page the POST came from: a consultant (no matches page for other firms) acts on the profile.
    if source is None:
        source = "profile" if request.POST.get("from") == "profile" or not mine else "matches"
    matches_page = f"{reverse('matching:match_list')}?company={company.slug}"
    back = company.get_absolute_url() if source == "profile" else matches_page
    area = TechnologyArea.objects.filter(slug=request.POST.get("area", "")).first()
    return AreaPost(company=company, mine=mine, source=source, back=back, area=area)


@login_required
@require_POST
def area_tick(request: HttpRequest) -> HttpResponse:
    """Tick a suggested area on the firm's profile (its editors and consultants); the firm is then rescored, and a
    dismissal of the area is dropped. Another firm is a 404, a viewer of this one a 403."""
    post = _area_post(request)
    if post.area is None:
        messages.error(request, gettext("No such technology area: nothing was ticked."))
        return redirect(post.back)
    reason = TICK_REASONS[post.source]
    added = area_suggestion_tick(company=post.company, area=post.area, by=request.user, reason=reason)
    names = {"area": localised(post.area), "firm": post.company.name}
    messages.success(request, _tick_message(mine=post.mine, added=added) % names)
    return redirect(post.back)


@login_required
@require_POST
def area_dismiss(request: HttpRequest) -> HttpResponse:
    """Dismiss a suggested area ("Not our field"): never suggested to the firm again; no score changes. Dismissing
    twice changes nothing more. Another firm is a 404, a viewer of this one a 403."""
    post = _area_post(request)
    if post.area is None:
        messages.error(request, gettext("No such technology area: nothing was dismissed."))
        return redirect(post.back)
    try:
        area_dismissal_add(company=post.company, area=post.area, by=request.user, reason=DISMISS_REASONS[post.source])
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(post.back)
    names = {"area": localised(post.area), "firm": post.company.name}
    done = gettext("%(area)s will no longer be suggested for %(firm)s.") % names
    if post.source == "matches":  # undo lives on the profile, with the list of dismissed areas
        undo = gettext("The firm’s profile lists it, with a button to undo.")  # makemessages misses it in an f-string
        done = f"{done}{punct(' ')}{undo}"
    messages.success(request, done)
    return redirect(post.back)


@login_required
@require_POST
def area_dismiss_undo(request: HttpRequest) -> HttpResponse:
    """Undo a dismissal (on the firm's profile), so the area may be suggested again. Another firm is a 404, a viewer
    of this one a 403."""
    post = _area_post(request, source="profile")  # the undo button is on the profile: back there, and so recorded
    if post.area is None:
        messages.error(request, gettext("No such technology area: nothing was changed."))
        return redirect(post.back)
    removed = area_dismissal_remove(company=post.company, area=post.area, by=request.user, reason=UNDO_REASON)
    names = {"area": localised(post.area), "firm": post.company.name}
    if removed:
        messages.success(request, gettext("%(area)s may be suggested again for %(firm)s.") % names)
    else:  # undone already (another tab, a double click) or never dismissed
        messages.info(request, gettext("%(area)s was not dismissed for %(firm)s: nothing was changed.") % names)
    return redirect(post.back)


def _tick_message(*, mine: bool, added: bool) -> str:
    """What a tick did, told to the firm's staff or to a consultant acting for the firm; a new tick has the firm
    rescored, said as every save that rescores says it (companies.confirmations)."""
    if not added:
        return (
            gettext("%(area)s was already ticked on your profile.")
            if mine
            else gettext("%(area)s was already ticked on %(firm)s's profile.")
        )
    done = (
        gettext("%(area)s is now ticked on your profile.")
        if mine
        else gettext("%(area)s is now ticked on %(firm)s's profile.")
    )
    return with_rescore_note(done, mine=mine)


@cache_control(private=True)
@login_required
def match_export(request: HttpRequest) -> HttpResponse:
    """The firm's filtered matches as CSV: score, its parts, reasons and gaps, in the reader's language.

    An account with no firm (a consultant) has no matches to export: 404, as for a firm not theirs and as the event
    brief answers; the page tells them the account is not linked to a firm and offers no export.
    """
    companies = viewer_company_list(user=request.user)
    company = viewer_company_pick(companies=companies, slug=request.GET.get("company"))
    if company is None:
        raise Http404("Your account is not linked to a firm, so there are no matches to export.")
    filterset = _match_filterset(request, company)
    if not filterset.is_valid():  # a bad filter value must not export every match as if it were applied
        return filter_errors_response(filterset.form)
    response = csv_download(f"kakehashi-matches-{company.slug}.csv")
    writer = csv.writer(response)
    writer.writerow(csv_header(MATCH_EXPORT_COLUMNS))
    names = names_for(request)
    for match in notice_gaps_attach(filterset.qs):
        writer.writerow(csv_row(_match_export_row(match, names)))
    return response


def _match_export_row(match: Match, names: Names) -> list[object]:
    """MATCH as a row of the export: slugs, ISO dates and scores as they are, words in the reader's language."""
    parts = {segment.name: segment.shown for segment in score_segments(match)}  # adding up to the score
    opportunity = match.opportunity
    return [
        match.company.slug,
        opportunity.slug,
        localised(opportunity),
        csv_word(opportunity.kind, opportunity.get_kind_display()),
        opportunity.deadline or "",
        one_decimal(match.score),
        csv_word("yes", _("Yes")) if match.eligible else csv_word("no", _("No")),
        *[one_decimal(parts[name]) if name in parts else "" for name in COMPONENT_LABELS],
        " | ".join(render_item(reason, names) for reason in match.reasons or []),
        " | ".join(render_item(gap, names) for gap in [*(match.gaps or []), *match.notice_gaps]),
    ]
