"""Notice pages: the listing of published notices and the page of one, with what changed, when and whom it concerns."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.generic import ListView

from notices.filters import NoticeFilterSet
from notices.models import Notice
from portal.filterforms import filter_form_tune, record_choices_in_natural_order, record_choices_localise
from portal.paging import ForgivingPaginationMixin
from programmes.filters import country_choices
from programmes.models import Opportunity


def _tune_form(form: forms.Form, *, user: Any) -> None:
    """The API's filters as a page shows them: each a select in the reader's language and order. The records offered
    are those the reader may open that a published notice concerns (never a draft's or an archived record's title)."""
    filter_form_tune(form)
    record = form.fields["record"]
    record.queryset = (
        Opportunity.objects.visible_to(user).filter(notices__status=Notice.Status.PUBLISHED).distinct().order_by()
    )
    record.empty_label = _("Any record")
    record_choices_in_natural_order(form, ["record"])
    form.fields["area"].empty_label = _("Any area")
    record_choices_localise(form, ["area"])
    form.fields["area"].widget.choices = form.fields["area"].choices  # the names above, not the field's first ones
    country = form.fields["country"]
    country.empty_label = _("Any country")  # set before the choices: django-filter puts it first, once
    country.choices = country_choices()  # in the reader's order (programmes.filters)


class NoticeListView(ForgivingPaginationMixin, ListView):
    """Published notices, newest first (the API's order), filtered with the API's NoticeFilterSet."""

    template_name = "notices/notice_list.html"
    context_object_name = "notices"
    paginate_by = 20

    def get_queryset(self):
        notices = Notice.objects.published().for_listing(self.request.user).newest_first()
        self.filterset = NoticeFilterSet(self.request.GET, queryset=notices, request=self.request)
        _tune_form(self.filterset.form, user=self.request.user)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        chosen = any(self.filterset.form[name].value() for name in self.filterset.form.fields)
        return super().get_context_data(filterset=self.filterset, form=self.filterset.form, chosen=chosen, **kwargs)


def notice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A published notice with the countries, areas and records it concerns; a draft or unknown slug is a 404."""
    notice = get_object_or_404(Notice.objects.published().for_listing(request.user), slug=slug)
    return render(request, "notices/notice_detail.html", {"notice": notice, "notice_list": [notice]})
