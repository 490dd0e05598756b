"""Consultants' admin for pipelines and feedback: changes go through workspace.services, history is kept."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.admin import ConsultantHistoryAdmin, ConsultantOnlyMixin, localised_column
from workspace.forms import conflict_refill
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import (
    match_feedback_withdraw,
    pipeline_due_on_check,
    pipeline_entry_delete,
    pipeline_entry_save,
)
from workspace.versions import ENTRY_FIELDS, PipelineEntryConflict, pipeline_entry_version, pipeline_entry_version_check


class PipelineEntryAdminForm(forms.ModelForm):
    """The admin's form, refusing a due date far in the past or ahead beside the field (the service's own rule), and
    a save drawn from an older version of the entry than the stored one, as the firm's page does."""

    # The version the form was drawn from (workspace.services.pipeline_entry_version); empty on an add.
    version = forms.CharField(label=_("Version opened"), required=False, widget=forms.HiddenInput)

    class Meta:
        model = PipelineEntry
        fields = ["company", "opportunity", *(name for name, _column in ENTRY_FIELDS)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = pipeline_entry_version(self.instance)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version"):
            # The admin's change view runs in one transaction: the lock holds until the save below it.
            stored = PipelineEntry.objects.select_for_update().filter(pk=self.instance.pk).first()
            try:
                pipeline_entry_version_check(stored, cleaned["version"])
            except PipelineEntryConflict as conflict:  # drawn again from the entry as it is, as on the firm's page
                posted = {name: cleaned[name] for name, _column in ENTRY_FIELDS if name in cleaned}
                conflict_refill(self, conflict, drawn_from=cleaned["version"], posted=posted)
        current = PipelineEntry.objects.filter(pk=self.instance.pk).values_list("due_on", flat=True).first()
        try:
            opportunity = cleaned.get("opportunity")
            deadline = opportunity.deadline if opportunity is not None else None
            pipeline_due_on_check(due_on=cleaned.get("due_on"), current=current, deadline=deadline)
        except ValidationError as error:
            self.add_error(None, error)  # keyed by due_on: shown beside the field
        return cleaned


@admin.register(PipelineEntry)
class PipelineEntryAdmin(ConsultantHistoryAdmin):
    form = PipelineEntryAdminForm
    list_display = ["localised_opportunity", "company", "stage", "owner", "due_on", "updated_at"]
    localised_opportunity = localised_column(PipelineEntry, "opportunity")
    list_filter = ["stage"]
    search_fields = ["company__name", "opportunity__title", "notes"]
    raw_id_fields = ["company", "opportunity", "owner"]
    list_select_related = ["company", "opportunity", "owner"]

    def save_model(self, request: HttpRequest, obj: PipelineEntry, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name, _column in ENTRY_FIELDS}
        saved = pipeline_entry_save(company=obj.company, opportunity=obj.opportunity, by=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: PipelineEntry) -> None:
        pipeline_entry_delete(entry=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PipelineEntry]) -> None:
        for entry in queryset.select_related("company"):
            pipeline_entry_delete(entry=entry, by=request.user)


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ConsultantOnlyMixin, admin.ModelAdmin):
    """Read-only: firms give feedback; withdrawing it here undoes it as the firm's own undo does."""

    list_display = ["localised_opportunity", "company", "reason", "note", "given_by", "created_at"]
    localised_opportunity = localised_column(MatchFeedback, "opportunity")
    list_filter = ["reason"]
    search_fields = ["company__name", "opportunity__title", "note"]
    list_select_related = ["company", "opportunity", "given_by"]
    actions = ["withdraw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: MatchFeedback) -> None:
        match_feedback_withdraw(company=obj.company, opportunity=obj.opportunity, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MatchFeedback]) -> None:
        for feedback in queryset.select_related("company", "opportunity"):
            match_feedback_withdraw(company=feedback.company, opportunity=feedback.opportunity, by=request.user)

    @admin.action(description=_("Withdraw the selected feedback (the matches show again)"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[MatchFeedback]) -> None:
        self.delete_queryset(request, queryset)
