"""Consultants curate notices with their sources; every edit is in the notice's history."""

from django.contrib import admin

from notices.models import Notice, NoticeSource
from portal.admin import ConsultantHistoryAdmin, localised_column
from portal.history import saving_changes_nothing


class NoticeSourceInline(admin.TabularInline):
    model = NoticeSource
    extra = 0


@admin.register(Notice)
class NoticeAdmin(ConsultantHistoryAdmin):
    """Rule and policy changes that affect who may take part."""

    list_display = ("localised_title", "dated_on", "due_by", "confidence", "status")
    localised_title = localised_column(Notice, "title", itself=True)
    list_filter = ("status", "confidence")
    search_fields = ("title", "summary", "slug")
    filter_horizontal = ("records", "technology_areas")
    inlines = [NoticeSourceInline]

    def save_model(self, request, obj, form, change):
        """An edit that changes no column writes no history row (links and sources are saved on their own)."""
        if change and saving_changes_nothing(obj):
            return
        super().save_model(request, obj, form, change)
