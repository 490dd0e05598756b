"""Consultants curate the programme records here; every save and every action goes through programmes.services.

Only consultants and superusers may use these pages (company staff are not `is_staff` and never reach the admin).
Status and verification change only through the actions, which ask for a reason and record it in history.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from portal.admin import SuperusersDeleteMixin, inline_changes, inline_mark_saved, localised_column
from portal.text import localised, punct
from programmes.admin_curation import FORM_ONLY, CurationAdmin, CurationForm, LinesField, ReasonForm
from programmes.admin_inlines import OpportunityAreaInline, SourceInline, StaleFilter
from programmes.models import Opportunity, OpportunityArea, Source, TechnologyArea
from programmes.services import (
    AREAS_KEY,
    opportunity_archive,
    opportunity_create,
    opportunity_publish,
    opportunity_update,
    opportunity_verify,
    validation_error_text,
)
from programmes.source_services import source_add, source_remove, source_update

# --- opportunities -------------------------------------------------------------------------------------------


class OpportunityAdminForm(CurationForm):
    eligible_sizes = forms.MultipleChoiceField(
        label=_("eligible sizes"),
        choices=Opportunity.Size.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked means firms of any size."),
    )
    keywords = LinesField(
        label=_("keywords"),
        required=False,
        help_text=_("Words the listing's search finds the record by, one per line."),
    )
    # The model's 1-200 rule, in the number box too (a positive integer field's box would start at 0).
    max_company_age = forms.IntegerField(
        label=_("firm founded at most this many years ago"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Start-up schemes: empty means no age limit."),
    )


@admin.register(Opportunity)
class OpportunityAdmin(SuperusersDeleteMixin, CurationAdmin):
    """Consultants archive; only superusers delete (deleting loses the record's place in matches)."""

    form = OpportunityAdminForm
    list_display = (
        *("localised_title", "kind", "status", "confidence"),
        *("last_verified_on", "organisation_list", "source_count"),
    )
    localised_title = localised_column(Opportunity, "title", itself=True)
    list_filter = ("kind", "status", "technology_areas", "organisations", "confidence", StaleFilter)
    search_fields = ("title", "title_ja", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    fixed_once_created = ("slug",)
    readonly_fields = ("status", "last_verified_on", "localised_last_verified_by", "created_at", "updated_at")
    # Who verified it, by name: a link to the user's admin page would answer consultants 403.
    localised_last_verified_by = localised_column(Opportunity, "last_verified_by")
    filter_horizontal = ("organisations", "required_certifications", "related")
    inlines = (OpportunityAreaInline, SourceInline)
    actions = ("publish", "archive", "mark_verified")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    *("slug", "kind", "title", "title_ja", "summary", "summary_ja"),
                    *("description", "keywords", "url"),
                )
            },
        ),
        (_("Who runs it"), {"fields": ("organisations", "related")}),
        (
            _("Eligibility"),
            {
                "fields": (
                    "eligible_countries",
                    "eligible_sizes",
                    "min_trl",
                    "japan_presence",
                    "max_company_age",
                    "japanese_entity",
                    "required_certifications",
                    "eligibility_notes",
                )
            },
        ),
        (_("Dates"), {"fields": ("opens_on", "closes_on", "starts_on", "ends_on", "venue", "venue_ja")}),
        (
            _("Expected edition"),
            {
                "fields": ("expected_from", "expected_until", "expected_basis", "expected_basis_ja"),
                "description": _(
                    "Only while the edition's dates are not announced: a window drawn from past editions, with both "
                    "ends and the editions it is drawn from."
                ),
            },
        ),
        (
            _("Curation"),
            {
                "fields": (
                    *("status", "confidence", "last_verified_on", "localised_last_verified_by"),
                    *("created_at", "updated_at"),
                ),
                "description": _("Change the status and verification with the actions on the list page."),
            },
        ),
        (_("Change"), {"fields": ("change_reason", "edited_from")}),
    )

    # The changelist: one query for the page, one prefetch for the organisations, a fixed few for the filters.
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).prefetch_related("organisations")
        return queryset.annotate(source_count=Count("sources", distinct=True))

    @admin.display(description=_("organisations"))
    def organisation_list(self, opportunity: Opportunity) -> str:
        """The record's organisations in the reader's language, as the public pages name them."""
        return punct(",").join(localised(org) for org in opportunity.organisations.all())

    @admin.display(description=_("sources"), ordering="source_count")
    def source_count(self, opportunity: Opportunity) -> int:
        return opportunity.source_count

    # --- saving through the services ---

    def save_model(self, request: HttpRequest, obj: Opportunity, form: forms.Form, change: bool) -> None:
        """Nothing yet: save_related writes the record, its links and area weights in one service call."""

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        by, reason = request.user, self.change_reason(form, change, formsets)
        data = {name: value for name, value in form.cleaned_data.items() if name not in FORM_ONLY}
        area_formset = next(fs for fs in formsets if fs.model is OpportunityArea)
        data[AREAS_KEY] = self._weights(area_formset)
        if change:
            # The sources are saved below, each with its own row; the record's row names them in its reason.
            sources = any(any(inline_changes(formset)) for formset in formsets if formset.model is Source)
            opportunity_update(opportunity=form.instance, data=data, by=by, reason=reason, inline_changed=sources)
        else:
            opportunity_create(instance=form.instance, data=data, by=by, reason=reason)
        inline_mark_saved(area_formset)
        for formset in formsets:
            if formset.model is Source:
                self._save_sources(formset, opportunity=form.instance, by=by, reason=reason)

    @staticmethod
    def _weights(formset: forms.BaseModelFormSet) -> dict[TechnologyArea, float]:
        """The area weights the inline rows ask for, deleted rows left out."""
        return {
            f.cleaned_data["technology_area"]: f.cleaned_data["weight"]
            for f in formset.forms
            if f.cleaned_data.get("technology_area") and not formset._should_delete_form(f)
        }

    @staticmethod
    def _save_sources(formset: forms.BaseModelFormSet, *, opportunity: Opportunity, by: Any, reason: str) -> None:
        """Add new sources first, so replacing the only source of a published record is allowed."""
        new, changed, deleted = inline_changes(formset)
        fields = SourceInline.fields
        added = [
            source_add(opportunity=opportunity, data={k: f.cleaned_data[k] for k in fields}, by=by, reason=reason)
            for f in new
        ]
        for f in changed:
            source_update(source=f.instance, data={k: f.cleaned_data[k] for k in fields}, by=by, reason=reason)
        for f in deleted:
            source_remove(source=f.instance, by=by, reason=reason)
        inline_mark_saved(formset, new_objects=added)

    # --- actions: confirm with a reason, run the service record by record, report each refusal ---

    @admin.action(description=_("Publish selected opportunities"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_and_run(
            request,
            queryset,
            action="publish",
            title=_("Publish opportunities"),
            done=lambda count: ngettext(
                "Published %(count)d opportunity.", "Published %(count)d opportunities.", count
            ),
            run=lambda opportunity, reason: opportunity_publish(
                opportunity=opportunity, by=request.user, reason=reason
            ),
            already=lambda opportunity: opportunity.status == Opportunity.Status.PUBLISHED,
            already_said=lambda count: ngettext(
                "%(count)d opportunity was published already and was left as it was.",
                "%(count)d opportunities were published already and were left as they were.",
                count,
            ),
        )

    @admin.action(description=_("Archive selected opportunities"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_and_run(
            request,
            queryset,
            action="archive",
            title=_("Archive opportunities"),
            done=lambda count: ngettext("Archived %(count)d opportunity.", "Archived %(count)d opportunities.", count),
            run=lambda opportunity, reason: opportunity_archive(
                opportunity=opportunity, by=request.user, reason=reason
            ),
            reason_required=True,
            already=lambda opportunity: opportunity.status == Opportunity.Status.ARCHIVED,
            already_said=lambda count: ngettext(
                "%(count)d opportunity was archived already and was left as it was.",
                "%(count)d opportunities were archived already and were left as they were.",
                count,
            ),
        )

    @admin.action(description=_("Mark selected opportunities verified today"), permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return self._confirm_and_run(
            request,
            queryset,
            action="mark_verified",
            title=_("Mark opportunities verified today"),
            done=lambda count: ngettext(
                "Marked %(count)d opportunity verified today.", "Marked %(count)d opportunities verified today.", count
            ),
            run=lambda record, why: opportunity_verify(opportunity=record, by=request.user, reason=why),
        )

    def _confirm_and_run(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        action: str,
        title: str,
        done: Callable[[int], str],
        run: Callable[[Opportunity, str], Opportunity],
        reason_required: bool = False,
        already: Callable[[Opportunity], bool] | None = None,
        already_said: Callable[[int], str] | None = None,
    ) -> HttpResponse | None:
        """Show a confirmation page asking why; once confirmed, run the service on each record. Records ALREADY in
        the state asked for are left alone and counted apart (ALREADY_SAID), so the message counts real changes."""
        confirmed = request.POST.get("confirm") == "yes"
        form = ReasonForm(request.POST if confirmed else None, reason_required=reason_required)
        if confirmed and form.is_valid():
            count = unchanged = 0
            for opportunity in queryset.order_by("title"):
                if already is not None and already(opportunity):
                    unchanged += 1
                    continue
                try:
                    run(opportunity, form.cleaned_data["reason"])
                    count += 1
                except ValidationError as error:
                    said = validation_error_text(error, Opportunity)  # fields named in the reader's language
                    self.message_user(request, f"{opportunity}{punct(':')}{said}", messages.ERROR)
            if count:
                self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)
            if unchanged and already_said is not None:
                self.message_user(request, already_said(unchanged) % {"count": unchanged}, messages.INFO)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset.order_by("title"),
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/programmes/opportunity/action_reason.html", context)

    # --- the stale view ---

    def get_urls(self) -> list:
        stale = path("stale/", self.admin_site.admin_view(self.stale_view), name="programmes_opportunity_stale")
        return [stale, *super().get_urls()]

    def stale_view(self, request: HttpRequest) -> HttpResponse:
        """Published records not verified for STALE_AFTER_DAYS: the changelist with the stale filter set."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:programmes_opportunity_changelist") + "?stale=yes")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "stale_count": Opportunity.objects.stale().count(),
            "stale_url": reverse("admin:programmes_opportunity_stale"),
            "stale_after_days": settings.STALE_AFTER_DAYS,
            "untranslated_count": Opportunity.objects.untranslated().count(),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Source)
class SourceAdmin(CurationAdmin):
    """Sources across all records, for finding dead links; new ones are added on their opportunity's page."""

    list_display = ("__str__", "localised_opportunity", "publisher", "accessed_on", "confidence")
    localised_opportunity = localised_column(Source, "opportunity")
    list_filter = ("confidence",)
    list_select_related = ("opportunity",)
    search_fields = ("url", "title", "publisher", "opportunity__title")
    fields = (
        *("opportunity", "url", "title", "publisher", "accessed_on", "confidence", "note"),
        *("change_reason", "edited_from"),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Source | None = None) -> tuple[str, ...]:
        return ("opportunity",) if obj else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Source, form: forms.Form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name not in FORM_ONLY}
        source_update(source=obj, data=data, by=request.user, reason=self.change_reason(form, change))

    def delete_model(self, request: HttpRequest, obj: Source) -> None:
        self._remove(request, [obj])  # a refusal reaches delete_view, which says why

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """All the selected sources or none: a refusal is an error message instead of Django's "deleted
        successfully", which once followed it with the count of every source selected."""
        try:
            self._remove(request, list(queryset.select_related("opportunity")))
        except ValidationError as error:
            request._source_delete_refused = True  # type: ignore[attr-defined]
            self.message_user(request, _("Not deleted: %s") % " ".join(error.messages), messages.ERROR)

    def _remove(self, request: HttpRequest, sources: list[Source]) -> None:
        """Delete SOURCES and log it in one transaction, so a refused delete deletes and logs nothing."""
        with transaction.atomic():
            super().log_deletions(request, sources)
            for source in sources:
                try:
                    source_remove(source=source, by=request.user, reason=gettext_noop("Deleted in the admin"))
                except ValidationError as error:
                    raise ValidationError(f"{source}{punct(':')}{' '.join(error.messages)}") from error

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:
        """Logged by _remove, in the same transaction as the delete."""

    def message_user(self, request: HttpRequest, message: Any, level: int = messages.INFO, *args: Any, **kwargs: Any):
        if level == messages.SUCCESS and getattr(request, "_source_delete_refused", False):
            return  # Django's "deleted successfully" after a refused delete
        super().message_user(request, message, level, *args, **kwargs)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, _("Not deleted: %s") % " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


# The reference firms' and the reference lists' (organisations, areas, certifications) admins live in their own
# modules; importing them here registers every curation page with the admin.
from programmes import admin_reference_firms, admin_reference_lists  # noqa: E402,F401
