"""Partner pages (public) and a firm's introduction requests (its staff; consultants work the queue in the admin)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from companies.models import Company
from partners.filters import PartnerFilterSet
from partners.forms import IntroductionForm
from partners.models import Introduction, Partner
from partners.selectors import introduction_steps
from partners.services import introduction_check_requester, introduction_request
from portal.filterforms import filter_form_tune
from portal.paging import ForgivingPaginationMixin
from portal.search import wordless
from programmes.models import Opportunity


class PartnerListView(ForgivingPaginationMixin, ListView):
    """Japanese partners, filtered by role, area and text with the same FilterSet as the API."""

    template_name = "partners/partner_list.html"
    paginate_by = 50

    def get_queryset(self):
        japanese = (get_language() or "").startswith("ja")
        partners = Partner.objects.for_listing().in_reading_order(japanese)
        self.filterset = PartnerFilterSet(self.request.GET, queryset=partners)
        filter_form_tune(self.filterset.form, tick_boxes=("role", "area"))
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filterset=self.filterset, wordless_query=wordless(self.request.GET.get("q")), **kwargs
        )


class PartnerDetailView(DetailView):
    """A partner's record: capabilities, areas, programmes, foreign partnerships, sources, and the request form."""

    template_name = "partners/partner_detail.html"

    def get_queryset(self):
        return Partner.objects.for_detail(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated and "form" not in context:
            context["form"] = IntroductionForm(user=user, initial={"opportunity": self._asked_for()})
        if user.is_authenticated:  # asked (in the template) only when the user edits no firm: a viewer is told why
            context["member_of"] = Company.objects.member_of(user)
        return context

    def _asked_for(self) -> str | None:
        """The opportunity a link from a partner gap names (?opportunity=<slug>), for the request form to preselect:
        a published record's slug, else nothing (a bad value is ignored, as the form offers published records only)."""
        slug = self.request.GET.get("opportunity", "")
        if slug and Opportunity.objects.published().filter(slug=slug).exists():
            return slug
        return None


class IntroductionCreateView(LoginRequiredMixin, View):
    """POST only: the request form on a partner's page; errors re-show the page with a 400."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        partner = get_object_or_404(Partner.objects.for_detail(request.user), slug=slug)
        # A viewer asking for their own firm is refused with the reason (403), not "select a valid choice".
        asking = Company.objects.member_of(request.user).filter(slug=request.POST.get("company", "")).first()
        if asking is not None:
            introduction_check_requester(company=asking, by=request.user)
        form = IntroductionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                introduction = introduction_request(partner=partner, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("Your request was sent to the Kakehashi consultants."))
                return redirect(introduction.get_absolute_url())
        context = {
            "partner": partner,
            "object": partner,
            "form": form,
            "member_of": Company.objects.member_of(request.user),
        }
        return render(request, "partners/partner_detail.html", context, status=400)


class IntroductionListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """The introduction requests of the user's firms (every firm's for consultants)."""

    template_name = "partners/introduction_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Introduction.objects.visible_to(self.request.user).for_listing().order_by("-created_at", "-pk")


class IntroductionDetailView(LoginRequiredMixin, DetailView):
    """One request with its status history; a 404 for anyone outside the firm."""

    template_name = "partners/introduction_detail.html"

    def get_queryset(self):
        return Introduction.objects.visible_to(self.request.user).for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        steps = [
            {"status": Introduction.Status(step["status"]).label, "when": step["changed_at"], "reason": step["reason"]}
            for step in introduction_steps([self.object])[self.object.pk]
        ]
        record = self.object.opportunity
        # The record is linked only while the reader may open it: a draft or withdrawn record's page answers 404.
        record_open = (
            record is not None and Opportunity.objects.visible_to(self.request.user).filter(pk=record.pk).exists()
        )
        # The asking firm's staff read their own message; a consultant reads the firm's.
        own = self.object.company.memberships.filter(user=self.request.user).exists()
        return super().get_context_data(steps=steps, record_open=record_open, own_message=own, **kwargs)
