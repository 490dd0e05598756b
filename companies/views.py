"""Company profile pages: staff see their own firms and editors edit them; consultants see and edit all."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.generic import DetailView, ListView

from companies.confirmations import with_rescore_note, works_for
from companies.forms import CertificationsHeldFormSet, CompanyForm, profile_conflict_refill
from companies.models import Company, website_outdated
from companies.selectors import (
    company_certifications_expired,
    company_for_edit,
    company_list,
    company_profile_queryset,
)
from companies.services import company_change
from companies.versions import CompanyConflict
from portal.filterforms import record_choices_localise
from portal.history import history_rows
from portal.paging import ForgivingPaginationMixin
from portal.roles import is_consultant
from portal.search import wordless
from portal.text import localised, punct

HISTORY_SHOWN = 10

# The areas a firm's own words suggest are read by matching, which sits above this app. matching/apps.py registers
# matching.selectors.profile_area_suggestions: (request, firm) -> {"suggestions": the suggestions as pages show them,
# in the reader's language; "dismissed": the suggested areas the firm dismissed} (docs/architecture.md, "Hooks").
# Without a provider the profile shows none.
AreaSuggestions = Callable[[HttpRequest, Company], dict[str, list[dict[str, Any]]]]
_area_suggestions: list[AreaSuggestions] = []


def area_suggestions_provider(provider: AreaSuggestions) -> AreaSuggestions:
    """Register the one PROVIDER of a firm's suggested areas for its profile page."""
    _area_suggestions[:] = [provider]
    return provider


class CompanyListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """ "My company": the firms the user works for; consultants get every firm, with search and filters."""

    template_name = "companies/company_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = company_list(user=self.request.user, params=self.request.GET)
        record_choices_localise(self.filterset.form, ["technology_area"])
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filterset=self.filterset,
            is_consultant=is_consultant(self.request.user),
            wordless_query=wordless(self.request.GET.get("q")),
            **kwargs,
        )


class CompanyDetailView(LoginRequiredMixin, DetailView):
    """A firm's whole profile; a 404 for anyone who may not see it, so the page never confirms that it exists."""

    template_name = "companies/company_detail.html"

    def get_queryset(self):
        return company_profile_queryset(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        company = self.object
        # Who changed the firm and why is for consultants; its staff see when and what (issue 17).
        history = history_rows(company.history, limit=HISTORY_SHOWN, disclose=is_consultant(self.request.user))
        can_edit = Company.objects.editable_by(self.request.user).filter(pk=company.pk).exists()
        # The suggested areas: whoever may open the profile sees them; its editors and consultants tick or dismiss
        # them, and undo a dismissal.
        panels = [provider(self.request, company) for provider in _area_suggestions]
        return super().get_context_data(
            can_edit=can_edit,
            website_outdated=website_outdated(company.website) if can_edit else None,
            history=history,
            area_suggestions=[row for panel in panels for row in panel["suggestions"]],
            dismissed_areas=[row for panel in panels for row in panel["dismissed"]],
            **kwargs,
        )


class CompanyUpdateView(LoginRequiredMixin, View):
    """The profile form: editors of the firm and consultants only (viewers get a 403, strangers a 404)."""

    template_name = "companies/company_form.html"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        company = self._company(slug)
        form = CompanyForm(instance=company)
        formset = CertificationsHeldFormSet(prefix="certifications", initial=_held_initial(company))
        return self._render(company, form, formset)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        company = self._company(slug)
        form = CompanyForm(request.POST, instance=company)
        # Read as posted, not against the certifications held now: a row a colleague added meanwhile must not make
        # this form's empty rows count as changed (and required).
        formset = CertificationsHeldFormSet(request.POST, prefix="certifications")
        conflict: list[tuple[str, str]] = []
        if form.is_valid() and formset.is_valid():
            data = form.profile_data(formset)
            version = form.cleaned_data["version"] or None  # a form drawn before versions were sent: saved as before
            try:
                change = company_change(
                    company=company,
                    data=data,
                    by=request.user,
                    reason=gettext_noop("Edited in the portal"),
                    version=version,
                )
            except CompanyConflict as refused:
                conflict = refused.shown(form.field_labels())
                formset = profile_conflict_refill(form, refused, drawn_from=version or "", posted=data)
                company = refused.company
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _saved_message(request, change.company, rescored=change.rescored))
                _warn_expired(request, change.company)
                return redirect(company)
        return self._render(company, form, formset, status=409 if conflict else 400, conflict=conflict)

    def _company(self, slug: str) -> Company:
        return company_for_edit(user=self.request.user, slug=slug)

    def _render(
        self, company: Company, form: CompanyForm, formset: Any, status: int = 200, conflict: Any = ()
    ) -> HttpResponse:
        context = {"company": company, "form": form, "formset": formset, "conflict": conflict}
        return render(self.request, self.template_name, context, status=status)


def _saved_message(request: HttpRequest, company: Company, *, rescored: bool) -> str:
    """The profile was saved; and, when the save asked for a rescore, that the matches will follow shortly."""
    saved = _("The profile of %(name)s was saved.") % {"name": company.name}
    if not rescored:
        return saved
    return with_rescore_note(saved, mine=works_for(request.user, company))


def _warn_expired(request: HttpRequest, company: Company) -> None:
    """Say which of the saved certificates have expired: they stay listed, as expired, and do not count."""
    expired = company_certifications_expired(company=company)
    if expired:
        names = punct(",").join(localised(link.certification) for link in expired)
        warning = _("Expired, so not counted for matching until renewed: %(certifications)s.")
        messages.warning(request, warning % {"certifications": names})


def _held_initial(company: Company) -> list[dict[str, Any]]:
    links = company.certification_links.select_related("certification")
    return [{"certification": link.certification, "expires_on": link.expires_on} for link in links]


def _add_errors(form: CompanyForm, exc: ValidationError) -> None:
    """Put the service's errors next to their fields; errors about fields not on the form go at the top."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
