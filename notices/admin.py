"""Consultants curate notices with their sources; every save goes through notices.services and is in the history.

The rules are the opportunity admin's: a reason on every save, a published notice cites a source, only superusers
delete. Status stays a field here; a notice saved as published (new, or moved from draft) writes its
`notice.published` change event once, through `notice_save`.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from notices.models import Notice, NoticeSource
from notices.services import notice_publishable_check, notice_save
from portal.admin import NamedDuplicatesInlineFormSet, SuperusersDeleteMixin, localised_column
from programmes.admin_curation import CurationAdmin, inline_changes

LINKS = ("records", "technology_areas")


class NoticeSourceInlineFormSet(NamedDuplicatesInlineFormSet):
    """A published notice keeps at least one source (notice_publishable_check, asked again on saving)."""

    def clean(self) -> None:
        super().clean()
        if self.instance.status != Notice.Status.PUBLISHED:
            return
        kept = [f for f in self.forms if f.cleaned_data.get("url") and not self._should_delete_form(f)]
        try:
            notice_publishable_check(source_count=len(kept))
        except ValidationError as error:
            raise ValidationError(error.messages) from error  # above the rows: a formset has no "sources" field


class NoticeSourceInline(admin.TabularInline):
    model = NoticeSource
    formset = NoticeSourceInlineFormSet
    extra = 0


@admin.register(Notice)
class NoticeAdmin(SuperusersDeleteMixin, CurationAdmin):
    """Rule and policy changes that affect who may take part."""

    list_display = ("localised_title", "dated_on", "due_by", "confidence", "status")
    localised_title = localised_column(Notice, "title", itself=True)
    list_filter = ("status", "confidence")
    search_fields = ("title", "summary", "slug")
    filter_horizontal = LINKS
    reason_links = LINKS  # not in the notice's history rows: the default reason names what changed
    inlines = [NoticeSourceInline]

    def save_model(self, request: HttpRequest, obj: Notice, form: forms.Form, change: bool) -> None:
        """Nothing yet: save_related saves the notice, its links and sources in one service call."""

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list, change: bool) -> None:
        def save_sources(notice: Notice) -> None:
            for formset in formsets:
                formset.instance = notice
                formset.save()

        notice_save(
            notice=form.instance,
            by=request.user,
            reason=self.change_reason(form, change, formsets),
            links={name: form.cleaned_data[name] for name in LINKS},
            inlines=save_sources,
            inlines_changed=bool(inline_changes(formsets)) or bool(set(LINKS) & set(form.changed_data)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        obj._history_user = request.user  # simple-history reads it
        super().delete_model(request, obj)
