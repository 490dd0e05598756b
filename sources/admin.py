"""Consultants review source changes side by side with the record, and see the queue most urgent first."""

import copy
import difflib
from collections import Counter
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import ConsultantOnlyMixin
from portal.text import full_stop, labelled, localised, localised_field, punct
from sources import selectors, services
from sources.models import SourceChange, SourceFetch, SourceWatch

CHECK_NOW_AT_MOST = 20  # "Check now" fetches within the request; the rest wait for the daily check
# The change page's submit row offers no Save: a change is answered with one of its review buttons.
NO_SAVE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
NOTE_MAX_LENGTH = SourceChange._meta.get_field("review_note").max_length
NOTHING_REVIEWED = _(
    "Nothing was saved and the change is still open: a note is recorded with a review, so answer the change with "
    "one of the review buttons."
)


def _review_all(admin_view, request: HttpRequest, queryset: QuerySet, action: str) -> None:
    done = 0
    for change in queryset:
        try:
            services.source_change_review(change=change, action=action, by=request.user)
            done += 1
        except ValidationError as error:
            # The messages say what to do; the key ("action", "status") would read as English on /ja/.
            admin_view.message_user(request, f"{change}{punct(':')}{' '.join(error.messages)}", messages.ERROR)
    if done:
        label = gettext(services.REVIEW_ACTIONS[action])
        admin_view.message_user(request, _("%(n)d change(s) reviewed: %(label)s.") % {"n": done, "label": label})


@admin.register(SourceChange)
class SourceChangeAdmin(ConsultantOnlyMixin, admin.ModelAdmin):
    """Changes found in source pages; each is reviewed with one of three answers, written to the record's history."""

    list_display = ("detected_at", "source_url", "record", "kind", "status", "reviewed_by")
    list_filter = ("status", "kind")
    list_select_related = ("watch__source__opportunity", "reviewed_by")
    search_fields = ("watch__source__url", "watch__source__opportunity__title", "watch__source__opportunity__slug")
    actions = ["review_updated", "review_no_change", "review_ignored"]
    fields = ("record_panel", "source_url", "kind", "status", "detected_at", "side_by_side", "review_panel")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("source"))
    def source_url(self, obj: SourceChange) -> str:
        return obj.watch.source.url

    @admin.display(description=_("record"))
    def record(self, obj: SourceChange) -> str:
        return localised(obj.watch.source.opportunity)

    @admin.display(description=_("the record"))
    def record_panel(self, obj: SourceChange) -> SafeString:
        record = obj.watch.source.opportunity
        edit = reverse("admin:programmes_opportunity_change", args=[record.pk])
        history = reverse("admin:programmes_opportunity_history", args=[record.pk])
        summary, summary_lang = localised_field(record, "summary")  # the Japanese one on /ja/, as public pages show
        verified = date_format(record.last_verified_on, "DATE_FORMAT") if record.last_verified_on else "-"
        return format_html(
            '<a href="{}">{}</a> ({}) · <a href="{}">{}</a><br><span lang="{}">{}</span>'
            '<br><span class="help">{}</span>',
            edit, localised(record), record.slug, history, _("history"), summary_lang, summary,
            labelled(_("last verified"), verified),
        )  # fmt: skip

    @admin.display(description=_("before and after"))
    def side_by_side(self, obj: SourceChange) -> SafeString:
        if obj.kind == SourceChange.Kind.REDIRECT:
            return format_html(
                _("The page now redirects to {}. Edit the source's address if it moved."), obj.redirect_to
            )
        table = difflib.HtmlDiff(wrapcolumn=70).make_table(
            obj.old_text.splitlines(), obj.new_text.splitlines(), _("before"), _("after"), context=True, numlines=2
        )
        return mark_safe(table)  # HtmlDiff escapes the page text itself

    @admin.display(description=_("review"))
    def review_panel(self, obj: SourceChange) -> SafeString:
        if obj.status != SourceChange.Status.OPEN:
            when = date_format(timezone.localtime(obj.reviewed_at), "DATETIME_FORMAT") if obj.reviewed_at else "-"
            done = format_html(
                "{}{}{}, {}{}", obj.get_status_display(), punct(" ("), obj.reviewed_by or "-", when, punct(")")
            )
            if not obj.review_note:
                return done
            return format_html('{}<br><span class="help">{}</span>', done, labelled(_("note"), obj.review_note))
        buttons = "".join(
            format_html(
                '<button type="submit" class="button" formaction="{}" name="review" value="{}">{}</button> ',
                reverse("admin:sources_sourcechange_review", args=[obj.pk, action]),
                action,
                gettext(label),
            )  # fmt: skip
            for action, label in services.REVIEW_ACTIONS.items()
            if action in services.review_actions_for(obj)
        )
        # A text area, not an input: Enter in an input would submit the form with its first button, a review.
        note = format_html(
            '<textarea name="review_note" maxlength="{}" rows="2" cols="50" placeholder="{}">{}</textarea>',
            NOTE_MAX_LENGTH,
            _("note"),
            getattr(obj, "typed_note", ""),
        )
        return mark_safe(f"{note}<br>{buttons}")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        change = super().get_object(request, object_id, from_field)
        if change is not None:  # a note typed on a page posted without a review answer is shown again (change_view)
            change.typed_note = getattr(request, "typed_note", "")
        return change

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The change and its review buttons, and no Save: every field is read-only, so a save would change nothing
        while saying "changed successfully" and dropping the note typed for the review."""
        context = {**(extra_context or {}), **NO_SAVE}
        if request.method == "POST":  # no review answer (a page drawn with Save buttons, a crafted post)
            self.message_user(request, NOTHING_REVIEWED, messages.WARNING)
            typed = request.POST.get("review_note", "")[:NOTE_MAX_LENGTH]
            request = copy.copy(request)
            request.method = "GET"  # drawn again, with the note as typed; nothing is saved
            request.typed_note = typed  # type: ignore[attr-defined]  # read by get_object
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list:
        review = path(
            "<int:pk>/review/<str:action>/",
            self.admin_site.admin_view(self.review_view),
            name="sources_sourcechange_review",
        )
        queue = path("queue/", self.admin_site.admin_view(self.queue_view), name="sources_queue")
        return [review, queue, *super().get_urls()]

    def review_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        """POST from the change page's buttons: review the change, then show it again."""
        change = get_object_or_404(SourceChange, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, change):
            raise PermissionDenied
        try:
            services.source_change_review(
                change=change,
                action=action,
                by=request.user,
                note=request.POST.get("review_note", ""),
            )
            self.message_user(request, full_stop(labelled(_("Reviewed"), gettext(services.REVIEW_ACTIONS[action]))))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)  # the page shows the status already
        return HttpResponseRedirect(reverse("admin:sources_sourcechange_change", args=[pk]))

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        """Open changes, unreachable sources, stale and untranslated records, most urgent first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Source queue"),
            "opts": self.model._meta,
            "changes": selectors.open_change_list()[:200],
            "watches": selectors.unreachable_watch_list()[:200],
            "stale": selectors.stale_record_list()[:200],
            "untranslated": selectors.untranslated_record_list()[:200],
            "counts": selectors.queue_counts(),
        }
        return TemplateResponse(request, "admin/sources/queue.html", context)

    @admin.action(description=_("Review: updated the record"))
    def review_updated(self, request: HttpRequest, queryset: QuerySet) -> None:
        _review_all(self, request, queryset, SourceChange.Status.UPDATED)

    @admin.action(description=_("Review: no change needed (verified today)"))
    def review_no_change(self, request: HttpRequest, queryset: QuerySet) -> None:
        _review_all(self, request, queryset, SourceChange.Status.NO_CHANGE)

    @admin.action(description=_("Review: ignore this part of the page"))
    def review_ignored(self, request: HttpRequest, queryset: QuerySet) -> None:
        _review_all(self, request, queryset, SourceChange.Status.IGNORED)


class SourceFetchInline(admin.TabularInline):
    model = SourceFetch
    fields = ("fetched_at", "status", "outcome", "text_hash", "error")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False  # the record of what each check found
    ordering = ("-fetched_at",)


@admin.register(SourceWatch)
class SourceWatchAdmin(ConsultantOnlyMixin, admin.ModelAdmin):
    """Every watched source: its state, failures in a row and recent fetches; check now from here."""

    list_display = ("__str__", "record", "state", "failures", "last_status", "last_checked_at", "next_check_at")
    list_filter = ("state",)
    list_select_related = ("source__opportunity",)
    search_fields = ("source__url", "source__opportunity__title")
    fields = ("source", "interval_days", "state", "failures", "last_status", "last_error", "redirect_to",
              "last_checked_at", "next_check_at", "etag", "last_modified", "ignored_lines", "text")  # fmt: skip
    readonly_fields = tuple(name for name in fields if name != "interval_days")
    inlines = [SourceFetchInline]
    actions = ["check_now", "watch_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A deleted watch takes its fetches, its changes (open and reviewed) and its ignored lines with it, and the
        # next check starts a bare one: the page is watched again, with its review record gone.
        return False

    def save_model(self, request: HttpRequest, obj: SourceWatch, form: Any, change: bool) -> None:
        services.source_watch_interval_set(watch=obj, interval_days=obj.interval_days)

    @admin.display(description=_("record"))
    def record(self, obj: SourceWatch) -> str:
        return localised(obj.source.opportunity)

    @admin.action(description=_("Check now"))
    def check_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Fetch up to CHECK_NOW_AT_MOST of the selected sources in the request, and say what came of them."""
        counts: Counter[str] = Counter()
        for watch in queryset[:CHECK_NOW_AT_MOST]:
            counts += services.sources_check(source_id=watch.source_id).counts
        self.message_user(request, full_stop(services.outcomes_text(counts)))
        left = queryset.count() - CHECK_NOW_AT_MOST
        if left > 0:
            said = _("%(left)d more selected were not checked: at most %(most)d are checked at once.")
            self.message_user(request, said % {"left": left, "most": CHECK_NOW_AT_MOST}, messages.WARNING)

    @admin.action(description=_("Redirect reviewed: watch the page again"))
    def watch_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for watch in queryset.select_related("source"):
            try:
                services.source_watch_dismiss_redirect(watch=watch)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        if done:
            self.message_user(request, _("Watching again: %(n)d source(s).") % {"n": done})
