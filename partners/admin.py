"""Consultants curate partners and work the introduction queue here; saves go through partners.services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.filters import partners_search
from partners.models import ForeignPartnership, Introduction, Partner, PartnerArea, PartnerSource
from partners.services import (
    TRANSITIONS,
    introduction_move,
    introduction_move_check,
    partner_delete,
    partner_save,
)
from portal.admin import NamedDuplicatesInlineFormSet, SuperusersDeleteMixin, localised_column, localised_link
from portal.text import localised_field
from programmes.admin_curation import CurationAdmin, inline_changes
from programmes.admin_inlines import AreaWeightsInlineFormSet, SourcedInlineFormSet
from programmes.services import validation_error_text


class PartnerAreaInline(admin.TabularInline):
    model = PartnerArea
    formset = AreaWeightsInlineFormSet  # an area listed twice is named, as on an opportunity
    extra = 0


class PartnerSourceInline(admin.TabularInline):
    model = PartnerSource
    formset = SourcedInlineFormSet  # every partner cites a source, as the loader asks
    extra = 0


class ForeignPartnershipInline(admin.TabularInline):
    model = ForeignPartnership
    formset = NamedDuplicatesInlineFormSet  # a counterpart given twice is named
    extra = 0


@admin.register(Partner)
class PartnerAdmin(CurationAdmin):
    """Partner records with areas, sources and foreign partnerships; history with the consultant's reason."""

    list_display = ("name", "name_ja", "role", "localised_city", "confidence", "last_verified_on")
    list_filter = ("role", "confidence", "size")
    search_fields = ("slug",)  # and what the public search finds (get_search_results)
    prepopulated_fields = {"slug": ("name",)}
    fixed_once_created = ("slug",)
    filter_horizontal = ("programmes",)
    inlines = [PartnerAreaInline, PartnerSourceInline, ForeignPartnershipInline]
    exclude = ("last_verified_by",)

    @admin.display(description=Partner._meta.get_field("city").verbose_name, ordering="city")
    def localised_city(self, obj: Partner) -> str:
        """The city in the reader's language."""
        return localised_field(obj, "city")[0]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """The public listing's search (names in either language, a reading in either kana, capabilities, city),
        or the slug."""
        by_slug, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return by_slug, duplicates
        return by_slug | partners_search(queryset, search_term), duplicates

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        if not change:  # the inlines need the new partner's key; an edit is saved once they are (save_related)
            partner_save(partner=obj, by=request.user, reason=self.change_reason(form, change))

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        """Programmes and inlines first, then an edit's one history row, whose default reason names the inlines'
        changes (its own fields show none of them). An edit that changed nothing writes no row (partner_save)."""
        if not change:  # the new partner's first row was written before its links; their signals add the second
            super().save_related(request, form, formsets, change)
            return
        reason = self.change_reason(form, change, formsets)
        links = {field.name for field in Partner._meta.many_to_many}  # programmes
        links_changed = bool(inline_changes(formsets)) or bool(links & set(form.changed_data))
        partner = form.instance
        partner.skip_history_when_saving = True  # the links write no rows of their own: partner_save writes one
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del partner.skip_history_when_saving
        partner_save(partner=partner, by=request.user, reason=reason, links_changed=links_changed)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        partner_delete(partner=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for partner in queryset:
            partner_delete(partner=partner, by=request.user)


class IntroductionAdminForm(forms.ModelForm):
    """The queue's edit form: status, the reason the firm reads, and internal notes."""

    class Meta:
        model = Introduction
        fields = ["status", "reason", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The list offers only the moves the service allows: the current status and the ones that may follow it.
        # The field itself takes any status, so a move the rule refuses (a page loaded before someone else moved the
        # request, a crafted post) is refused by introduction_move_check with its own words, as the API says it.
        current = self.instance.status
        allowed = {current, *TRANSITIONS.get(current, ())}
        field = self.fields["status"]
        field.widget.choices = [(value, label) for value, label in field.choices if value in allowed]

    def clean(self) -> dict[str, Any]:
        """The move's rules on their fields, so a refused save keeps what was typed."""
        data = super().clean()
        if "status" in data:
            try:
                introduction_move_check(
                    current=self.instance.status, status=data["status"], reason=data.get("reason", "")
                )
            except ValidationError as error:
                self._update_errors(error)
        return data


@admin.register(Introduction)
class IntroductionAdmin(SuperusersDeleteMixin, CurationAdmin):
    """The consultants' queue: requested -> in review -> introduced / declined, each move in history. Consultants
    decline a request rather than delete it: the firm reads its status history."""

    form = IntroductionAdminForm
    list_display = ("company", "localised_partner", "localised_opportunity", "status", "created_at")
    localised_partner = localised_column(Introduction, "partner")
    localised_opportunity = localised_column(Introduction, "opportunity")
    # The partner and the record linked to their pages, as Django links a read-only foreign key, named in the
    # reader's language.
    partner_link = localised_link(Introduction, "partner")
    opportunity_link = localised_link(Introduction, "opportunity")
    list_filter = ("status",)
    search_fields = ("company__name", "partner__name", "message")
    readonly_fields = ("company", "partner_link", "opportunity_link", "message", "localised_requested_by", "created_at")
    fields = (
        *("company", "partner_link", "opportunity_link", "message", "localised_requested_by", "created_at"),
        *("status", "reason", "notes"),
    )
    # Who asked, by name: a link to the user's admin page would answer consultants 403.
    localised_requested_by = localised_column(Introduction, "requested_by")
    actions = ["start_review"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # firms ask through their pages or the API

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        data = form.cleaned_data
        introduction_move(
            introduction=obj,
            status=data["status"],
            reason=data.get("reason", ""),
            notes=data.get("notes"),
            by=request.user,
        )

    @admin.action(description=_("Start reviewing the selected requests"))
    def start_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        moved, left = 0, queryset.exclude(status=Introduction.Status.REQUESTED).count()  # counted before any moves
        for introduction in queryset.filter(status=Introduction.Status.REQUESTED):
            try:
                introduction_move(introduction=introduction, status=Introduction.Status.IN_REVIEW, by=request.user)
                moved += 1
            except ValidationError as error:
                self.message_user(request, validation_error_text(error), messages.ERROR)
        self.message_user(
            request, ngettext("%(n)d request now in review.", "%(n)d requests now in review.", moved) % {"n": moved}
        )
        if left:
            # Said, so that a consultant who selected more than the action moved knows why the count is short.
            said = ngettext(
                "%(n)d request was past “Requested” already and was left as it was.",
                "%(n)d requests were past “Requested” already and were left as they were.",
                left,
            )
            self.message_user(request, said % {"n": left}, messages.WARNING)
