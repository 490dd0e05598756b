"""Workspace pages: a firm's pipeline board and its export, an entry's page, Follow/Pursue, feedback and bulk actions.

Every page takes the firm from the URL and answers 404 to anyone who is neither its staff nor a consultant; changes
need an editor (viewers get 403). Forms post and redirect, so everything works without JavaScript.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from companies.confirmations import with_rescore_note, works_for
from companies.models import Company
from matching.models import Match
from portal.login_return import same_site_url
from portal.paging import forgiving_page
from portal.roles import is_consultant
from portal.spreadsheets import csv_download, csv_header, csv_row, csv_word
from portal.text import form_problems_said, localised, punct
from programmes.models import Opportunity
from workspace.forms import BulkForm, FeedbackForm, PipelineEntryForm, StageForm, conflict_refill
from workspace.models import PipelineEntry
from workspace.selectors import (
    Column,
    company_get,
    feedback_report,
    opportunity_for_firm,
    opportunity_for_pipeline,
    pipeline_board,
    pipeline_entry_history,
    pipeline_stage_list,
)
from workspace.services import (
    match_feedback_give,
    match_feedback_withdraw,
    matches_bulk_update,
    pipeline_entry_delete,
    pipeline_entry_save,
    workspace_can_edit,
    workspace_edit_check,
)
from workspace.undo import undo_feedback_tag
from workspace.versions import PipelineEntryConflict, entry_field_label, entry_value_said

HISTORY_ROWS = 20
STAGE_PAGE_CARDS = 20

# The export's columns: the name the English file has always used, and the label the Japanese export gives it.
PIPELINE_EXPORT_COLUMNS = [
    ("opportunity", gettext_lazy("Opportunity ID")),
    ("title", gettext_lazy("Title")),
    ("stage", gettext_lazy("Stage")),
    ("owner", gettext_lazy("Owner")),
    ("due_on", gettext_lazy("Due date")),
    ("deadline", gettext_lazy("Deadline")),
    ("notes", PipelineEntry._meta.get_field("notes").verbose_name),  # the form's word for them
    ("updated_at", gettext_lazy("Updated at")),
]


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` when it is a page of this site, else to FALLBACK."""
    target = request.POST.get("next", "")
    if not same_site_url(request, target):
        target = fallback
    return HttpResponseRedirect(target)


def _board_url(company) -> str:
    return reverse("workspace:pipeline_list", kwargs={"company_slug": company.slug})


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        for text in texts:
            messages.error(request, f"{field}: {text}")


@login_required
def pipeline_list_view(request: HttpRequest, company_slug: str) -> HttpResponse:
    """The firm's pipeline in columns by stage; each card has a form to move it."""
    company = company_get(user=request.user, slug=company_slug)
    context = {
        "company": company,
        "stages": PipelineEntry.Stage.choices,
        "can_edit": workspace_can_edit(user=request.user, company=company),
        # "My matches" is for the firm's own staff; a consultant looking after the firm goes to its profile instead.
        "member": company.memberships.filter(user=request.user).exists(),
    }
    stage = request.GET.get("stage")
    if stage in PipelineEntry.Stage.values:  # one column, all of it, page by page
        entries = pipeline_stage_list(user=request.user, company=company, stage=stage)
        page = forgiving_page(Paginator(entries, STAGE_PAGE_CARDS), request.GET.get("page"))
        label = PipelineEntry.Stage(stage).label
        column = Column(stage, str(label), list(page.object_list), page.paginator.count)
        paging = {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}
        context.update(columns=[column], **paging)  # the page links keep ?stage= with the rest of the query
    else:
        if stage:  # a link from elsewhere, or a hand-typed one: say why the whole board is shown
            stages = punct(",").join(str(label) for label in PipelineEntry.Stage.labels)
            why = _("“%(stage)s” is not a stage (%(stages)s): the whole board is shown.")
            messages.warning(request, why % {"stage": stage[:40], "stages": stages})
        context["columns"] = pipeline_board(user=request.user, company=company)
    return render(request, "workspace/pipeline_list.html", context)


@login_required
def pipeline_export(request: HttpRequest, company_slug: str) -> HttpResponse:
    """The firm's pipeline as CSV, every cell safe to open in a spreadsheet."""
    company = company_get(user=request.user, slug=company_slug)
    response = csv_download(f"kakehashi-pipeline-{company.slug}.csv")
    writer = csv.writer(response)
    writer.writerow(csv_header(PIPELINE_EXPORT_COLUMNS))
    for entry in PipelineEntry.objects.visible_to(request.user).filter(company=company).for_board():
        writer.writerow(csv_row(_pipeline_export_row(entry)))
    return response


def _pipeline_export_row(entry: PipelineEntry) -> list[object]:
    """ENTRY as a row of the export: slugs and ISO dates as they are, title and stage in the reader's language."""
    opportunity = entry.opportunity
    return [
        opportunity.slug,
        localised(opportunity),
        csv_word(entry.stage, entry.get_stage_display()),
        entry.owner.get_username() if entry.owner else "",
        entry.due_on or "",
        opportunity.deadline or "",
        entry.notes,
        timezone.localtime(entry.updated_at).isoformat(timespec="seconds"),  # Japan time, as the board shows it
    ]


def _entry(
    request: HttpRequest, company_slug: str, opportunity_slug: str
) -> tuple[Company, Opportunity, PipelineEntry | None]:
    """The firm (404 unless the user may see it), the record it may keep in its pipeline (404 otherwise) and its
    entry for it, None when there is none (a colleague may have removed it since the page was drawn)."""
    company = company_get(user=request.user, slug=company_slug)
    opportunity = opportunity_for_pipeline(company=company, slug=opportunity_slug)
    entry = (
        PipelineEntry.objects.select_related("opportunity", "owner", "company")
        .filter(company=company, opportunity=opportunity)
        .first()
    )
    return company, opportunity, entry


@login_required
def pipeline_detail_view(request: HttpRequest, company_slug: str, opportunity_slug: str) -> HttpResponse:
    """One entry: its form (editors) and its history: who changed what, and when. A save refused because someone
    saved or removed the entry since the form was drawn shows the form again, merged with their changes."""
    company, opportunity, entry = _entry(request, company_slug, opportunity_slug)
    if entry is None and request.method != "POST":
        raise Http404(_("This record is not in the firm's pipeline."))
    can_edit = workspace_can_edit(user=request.user, company=company)
    shown = entry or PipelineEntry(company=company, opportunity=opportunity)  # removed: the form of what was typed
    form = PipelineEntryForm(request.POST or None, instance=shown, company=company)
    conflict: list[tuple[str, str]] = []
    refused_for_conflict = False
    if request.method == "POST":
        workspace_edit_check(user=request.user, company=company)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version") or None  # a form drawn before versions were sent: saved as before
            try:
                saved = pipeline_entry_save(
                    company=company, opportunity=opportunity, by=request.user, version=version, **data
                )
            except PipelineEntryConflict as refused:
                refused_for_conflict = True
                conflict = _conflict_shown(refused)
                conflict_refill(form, refused, drawn_from=version or "", posted=data)
                shown = refused.entry or shown
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Pipeline entry saved."))
                return HttpResponseRedirect(saved.get_absolute_url())
    context = {
        "company": company,
        "entry": shown,
        "form": form,
        "can_edit": can_edit,
        "history": (
            pipeline_entry_history(entry=shown, limit=HISTORY_ROWS, disclose=is_consultant(request.user))
            if shown.pk
            else []
        ),
        "conflict": conflict,
    }
    # As on the profile page: a save refused because of what was typed is a 400, one refused because someone else
    # saved or removed the entry meanwhile a 409.
    status = 200 if request.method != "POST" else 409 if refused_for_conflict else 400
    return render(request, "workspace/pipeline_detail.html", context, status=status)


def _conflict_shown(conflict: PipelineEntryConflict) -> list[tuple[str, str]]:
    """The fields someone else changed, each with its value now, in the reader's language."""
    if conflict.entry is None:
        return []
    return [(entry_field_label(name), entry_value_said(conflict.entry, name)) for name in conflict.changed]


@login_required
@require_POST
def pipeline_set(request: HttpRequest, company_slug: str, opportunity_slug: str) -> HttpResponse:
    """Follow, Pursue or move a card: put the record in the firm's pipeline at the posted stage."""
    company = company_get(user=request.user, slug=company_slug)
    opportunity = opportunity_for_pipeline(company=company, slug=opportunity_slug)
    form = StageForm(request.POST)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"stage": form.errors["stage"]}, status=400)
        messages.error(request, _("Choose a stage from the list."))
        return _back(request, _board_url(company))
    entry = pipeline_entry_save(
        company=company, opportunity=opportunity, by=request.user, stage=form.cleaned_data["stage"]
    )
    if wants_json:
        return JsonResponse({"opportunity": opportunity.slug, "stage": entry.stage})
    messages.success(
        request,
        _("“%(title)s” is now: %(stage)s.") % {"title": localised(opportunity), "stage": entry.get_stage_display()},
    )
    return _back(request, _board_url(company))


@login_required
@require_POST
def pipeline_delete(request: HttpRequest, company_slug: str, opportunity_slug: str) -> HttpResponse:
    """Take a record off the firm's pipeline; with the version the page was drawn from, only if nobody saved the
    entry since (else nothing is removed and the page says who changed what)."""
    company, _opportunity, entry = _entry(request, company_slug, opportunity_slug)
    if entry is None:  # removed meanwhile: what the user asked for is done
        messages.info(request, _("This entry had already been removed from the pipeline."))
        return HttpResponseRedirect(_board_url(company))
    try:
        pipeline_entry_delete(entry=entry, by=request.user, version=request.POST.get("version") or None)
    except PipelineEntryConflict as refused:
        messages.error(request, refused.said_on_removal())
        return HttpResponseRedirect(entry.get_absolute_url() if refused.entry else _board_url(company))
    messages.success(request, _("Removed from the pipeline."))
    return HttpResponseRedirect(_board_url(company))


def _rescore_said(request: HttpRequest, company: Company, done: str, *, rescored: bool) -> str:
    """DONE, and when a wrong-technology mark had the firm rescored, that its matches will follow shortly."""
    if not rescored:
        return done
    return with_rescore_note(done, mine=works_for(request.user, company))


@login_required
@require_POST
def feedback_give(request: HttpRequest, company_slug: str, opportunity_slug: str) -> HttpResponse:
    """Mark a match not relevant, with a reason and an optional note; it leaves the firm's default lists."""
    company = company_get(user=request.user, slug=company_slug)
    opportunity = opportunity_for_firm(slug=opportunity_slug)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        given = match_feedback_give(company=company, opportunity=opportunity, by=request.user, **form.cleaned_data)
        hidden = _("“%(title)s” is hidden from your matches.") % {"title": localised(opportunity)}
        # The message carries an Undo button (templates/base.html): a POST to feedback_withdraw, which only the
        # firm's editors may make, as only they could give the feedback.
        undo = undo_feedback_tag(company_slug=company.slug, opportunity_slug=opportunity.slug)
        messages.success(request, _rescore_said(request, company, hidden, rescored=given.rescored), extra_tags=undo)
    elif "reason" in form.errors:
        messages.error(request, _("Choose a reason from the list."))
    else:
        messages.error(request, form_problems_said(form))
    return _back(request, reverse("matching:match_list") + f"?company={company.slug}")


@login_required
@require_POST
def feedback_withdraw(request: HttpRequest, company_slug: str, opportunity_slug: str) -> HttpResponse:
    """Undo a "not relevant": the match shows again and any effect on the scores is undone at the next rescore."""
    company = company_get(user=request.user, slug=company_slug)
    opportunity = opportunity_for_firm(slug=opportunity_slug)
    withdrawn = match_feedback_withdraw(company=company, opportunity=opportunity, by=request.user)
    if withdrawn:
        back = _("“%(title)s” is back in your matches.") % {"title": localised(opportunity)}
        messages.success(request, _rescore_said(request, company, back, rescored=withdrawn.rescored))
    return _back(request, reverse("matching:match_list") + f"?company={company.slug}")


@login_required
@require_POST
def matches_bulk(request: HttpRequest, company_slug: str) -> HttpResponse:
    """Set a stage on, or dismiss, several selected matches in one transaction; a viewer is refused (403) before the
    selection is read, whatever it names."""
    company = company_get(user=request.user, slug=company_slug)
    workspace_edit_check(user=request.user, company=company)
    slugs = request.POST.getlist("selected")
    matched = Match.objects.filter(company=company, opportunity__slug__in=slugs).select_related("opportunity")
    opportunities = [match.opportunity for match in matched]
    form = BulkForm(request.POST, slugs=[o.slug for o in opportunities])
    gone = set(slugs) - {o.slug for o in opportunities}
    if gone:  # archived, closed or rescored away since the page was drawn
        count = len(gone)
        messages.error(
            request,
            ngettext(
                "%(count)d selected record is no longer among your matches; nothing was changed.",
                "%(count)d selected records are no longer among your matches; nothing was changed.",
                count,
            )
            % {"count": count},
        )
        return _back(request, reverse("matching:match_list") + f"?company={company.slug}")
    if not form.is_valid():
        messages.error(request, _("Select at least one of your matches and an action."))
        return _back(request, reverse("matching:match_list") + f"?company={company.slug}")
    kind, value = form.cleaned_data["action"].split(":", 1)
    chosen = {"stage": value} if kind == "stage" else {"reason": value}
    count, rescored = matches_bulk_update(company=company, opportunities=opportunities, by=request.user, **chosen)
    updated = ngettext("%(count)d match updated.", "%(count)d matches updated.", count) % {"count": count}
    messages.success(request, _rescore_said(request, company, updated, rescored=rescored))
    return _back(request, reverse("matching:match_list") + f"?company={company.slug}")


@login_required
def feedback_report_view(request: HttpRequest) -> HttpResponse:
    """Consultants: which records and areas firms mark not relevant, and why; sortable by any count."""
    if not is_consultant(request.user):
        raise Http404("Consultants only.")
    by = "area" if request.GET.get("by") == "area" else "record"
    sort = request.GET.get("sort", "total")
    context = {
        "rows": feedback_report(by=by, sort=sort),
        "by": by,
        "sort": sort,
        "reasons": FeedbackForm.base_fields["reason"].choices,
    }
    return render(request, "workspace/feedback_report.html", context)
