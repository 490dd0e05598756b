"""Consultants curate notices with their sources; every edit is in the notice's history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from notices.models import Notice, NoticeSource
from portal.admin import ConsultantOnlyMixin


class NoticeSourceInline(admin.TabularInline):
    model = NoticeSource
    extra = 0


@admin.register(Notice)
class NoticeAdmin(ConsultantOnlyMixin, SimpleHistoryAdmin):
    """Rule and policy changes that affect who may take part."""

    list_display = ("title", "dated_on", "due_by", "confidence", "status")
    list_filter = ("status", "confidence")
    search_fields = ("title", "summary", "slug")
    filter_horizontal = ("records", "technology_areas")
    inlines = [NoticeSourceInline]
