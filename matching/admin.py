"""Consultants' admin for scoring runs and matches: read-only records, and a "rescore" action through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from matching import dispatch
from matching.messages import render
from matching.models import AreaDismissal, Match, MatchRun
from matching.selectors import COMPONENT_LABELS
from portal.admin import ConsultantOnlyMixin, localised_column
from portal.reasons import reason_text
from portal.text import localised


class ReadOnlyAdmin(admin.ModelAdmin):
    """Runs and matches are written by the scorer only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = [
        "run_number",
        "scope",
        "status",
        "company",
        "opportunity",
        "created_at",
        "duration",
        "chunks_done",
        "chunks_total",
        "pairs_scored",
        "matches_stored",
        "engine_version",
    ]
    list_filter = ["status", "scope"]
    list_select_related = ["company", "opportunity"]
    # Who asked for the run by name: a link to the user's admin page would answer consultants 403.
    readonly_fields = [f.name if f.name != "requested_by" else "localised_requested_by" for f in MatchRun._meta.fields]
    exclude = ["requested_by"]  # shown once, by name, as localised_requested_by
    localised_requested_by = localised_column(MatchRun, "requested_by")
    actions = ["rescore"]

    @admin.display(description=_("run"), ordering="pk")
    def run_number(self, obj: MatchRun) -> int:
        return obj.pk

    @admin.display(description=_("duration (seconds)"))
    def duration(self, obj: MatchRun) -> float | None:
        return None if obj.duration_s is None else round(obj.duration_s, 1)

    @admin.action(description=_("Rescore: run the selected runs' scope again (all firms, a firm, an opportunity)"))
    def rescore(self, request: HttpRequest, queryset: QuerySet[MatchRun]) -> None:
        started = []
        for scope, company, opportunity in {(r.scope, r.company, r.opportunity) for r in queryset}:
            if scope == MatchRun.Scope.ALL or company or opportunity:
                run = dispatch.match_run_start(scope=scope, company=company, opportunity=opportunity, by=request.user)
                started.append(str(run.pk))
        self.message_user(request, _("Runs queued: %(runs)s.") % {"runs": ", ".join(started) or "-"}, messages.INFO)


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["company", "localised_opportunity", "score_shown", "eligible", "run", "computed_at"]
    localised_opportunity = localised_column(Match, "opportunity")
    list_filter = ["eligible", "opportunity__kind", "company__country", "company__size"]
    search_fields = ["company__name", "company__slug", "opportunity__title", "opportunity__slug"]
    list_select_related = ["company", "opportunity", "run"]
    readonly_fields = [
        "company",
        "opportunity",
        "run",
        "score_shown",
        "components",
        "reasons_in_words",
        "gaps_in_words",
        "reasons",
        "gaps",
        "eligible",
        "computed_at",
    ]
    exclude = ["parts", "score"]  # shown as `components` (with the engine's weights) and `score_shown` (rounded)
    raw_id_fields = ["company", "opportunity", "run"]
    actions = ["rescore_firms"]

    @admin.display(description=_("score"), ordering="score")
    def score_shown(self, obj: Match) -> str:
        return number_format(round(obj.score, 2), 2)  # number_format cuts digits off; round first

    @admin.display(description=_("components"))
    def components(self, obj: Match) -> str:
        """Each component in the reader's language: its value, the engine's weight, and the points it gives."""
        return format_html_join(
            "\n",
            "<p>{}</p>",
            (
                (
                    _("%(label)s: value %(value)s, weight %(weight)s, %(points)s points")
                    % {
                        "label": COMPONENT_LABELS.get(name, name),
                        "value": number_format(round(part["value"], 4), 4),
                        "weight": number_format(round(part["weight"], 2), 2),
                        "points": number_format(round(part["contribution"], 2), 2),
                    },
                )
                for name, part in obj.components.items()
            ),
        )

    @admin.display(description=_("reasons in words"))
    def reasons_in_words(self, obj: Match) -> str:
        return format_html_join("\n", "<p>{}</p>", ((render(item),) for item in obj.reasons or []))

    @admin.display(description=_("gaps in words"))
    def gaps_in_words(self, obj: Match) -> str:
        return format_html_join("\n", "<p>{}</p>", ((render(item),) for item in obj.gaps or []))

    def get_queryset(self, request: HttpRequest) -> QuerySet[Match]:
        """Matches of the firms this user may see (consultants: all)."""
        return super().get_queryset(request).filter(company__in=Company.objects.visible_to(request.user))

    @admin.action(description=_("Rescore the firms of the selected matches"))
    def rescore_firms(self, request: HttpRequest, queryset: QuerySet[Match]) -> None:
        firms = Company.objects.visible_to(request.user).filter(pk__in=queryset.values("company_id"))
        for company in firms:
            dispatch.match_run_start(scope=MatchRun.Scope.COMPANY, company=company, by=request.user)
        self.message_user(request, _("%(n)d firm rescores queued.") % {"n": len(firms)}, messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # matches are never deleted by hand: a rescore replaces them (and retires cached API answers)


@admin.register(AreaDismissal.history.model)
class AreaDismissalHistoryAdmin(ConsultantOnlyMixin, ReadOnlyAdmin):
    """Who dismissed which suggested area of which firm, and who undid it: the dismissals' history rows, kept after
    an undo or a tick. Written by matching.services only."""

    list_display = ["when", "company", "area", "action", "who", "reason"]
    fields = ["when", "company", "area", "action", "who", "reason"]
    readonly_fields = fields
    search_fields = [
        *("company__name", "company__slug"),
        *("technology_area__slug", "technology_area__name", "technology_area__name_ja"),
    ]
    list_select_related = ["company", "technology_area", "history_user"]

    @admin.display(description=_("when"), ordering="history_date")
    def when(self, obj: Any) -> str:
        return date_format(timezone.localtime(obj.history_date), "DATETIME_FORMAT")

    def heading(self, obj: Any) -> str:
        """The row's title in the reader's language and Japan time: simple-history's own is "... as of <UTC>"."""
        return _("%(company)s: %(area)s %(action)s on %(when)s") % {
            "company": obj.company,
            "area": self.area(obj),
            "action": self.action(obj),
            "when": self.when(obj),
        }

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> Any:
        """The page's title and its last breadcrumb (templates/admin/matching/historicalareadismissal/) name the
        row by `heading`."""
        obj = context.get("original")
        if obj is not None:
            context["subtitle"] = self.heading(obj)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description=_("technology area"))
    def area(self, obj: Any) -> str:
        return localised(obj.technology_area)

    @admin.display(description=_("action"))
    def action(self, obj: Any) -> str:
        return str(_("dismissed") if obj.history_type == "+" else _("removed") if obj.history_type == "-" else "")

    @admin.display(description=_("by"))
    def who(self, obj: Any) -> str:
        return obj.history_user.get_username() if obj.history_user else ""

    @admin.display(description=_("reason"))
    def reason(self, obj: Any) -> str:
        return reason_text(obj.history_change_reason)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
