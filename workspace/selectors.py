"""Reads of the workspace: a firm's board, stage look-ups for pages, matches with their workspace state, reports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from companies.models import Company
from portal.roles import CONSULTANTS_GROUP, Viewer
from portal.text import labelled, punct
from programmes.models import Opportunity, OpportunityArea
from workspace.models import DUE_FOLLOWED_DEADLINE, MatchFeedback, PipelineEntry
from workspace.versions import ENTRY_FIELDS, entry_value_said

# A queryset of matches, returned as the same class (MatchQuerySet keeps best_first() and the rest).
AnyQuerySet = TypeVar("AnyQuerySet", bound=QuerySet[Any])


def company_get(*, user: Viewer, slug: str) -> Company:
    """The firm SLUG if USER may see its workspace (its staff, consultants); 404 otherwise."""
    return get_object_or_404(Company.objects.visible_to(user), slug=slug)


# Cards per column on the board; a column with more links to its own paginated page (`?stage=`).
COLUMN_CARDS = 10


@dataclass
class Column:
    """One stage of the board: its first cards (soonest due first) and how many entries it has in all."""

    stage: str
    label: str
    entries: list[PipelineEntry]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


def pipeline_board(*, user: Viewer, company: Company, per_column: int = COLUMN_CARDS) -> list[Column]:
    """The firm's entries in columns by stage, every stage present, at most PER_COLUMN cards each; two queries."""
    entries = PipelineEntry.objects.visible_to(user).filter(company=company)
    totals = dict(entries.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    rank = Window(RowNumber(), partition_by=F("stage"), order_by=[F("due_on").asc(nulls_last=True), F("pk").asc()])
    first = entries.for_board().annotate(rank=rank).filter(rank__lte=per_column)
    columns = {
        stage: Column(stage, str(label), [], totals.get(stage, 0)) for stage, label in PipelineEntry.Stage.choices
    }
    for entry in first:
        columns[entry.stage].entries.append(entry)
    return list(columns.values())


def pipeline_stage_list(*, user: Viewer, company: Company, stage: str) -> QuerySet[PipelineEntry]:
    """Every entry of one stage of the firm's pipeline, soonest due first (the page a column's "show all" opens)."""
    return PipelineEntry.objects.visible_to(user).filter(company=company, stage=stage).for_board()


def pipeline_stages_for(*, company: Company | None, opportunity_ids: Iterable[int]) -> dict[int, str]:
    """The firm's stage for each of a page of opportunities (one query); missing ids are not in its pipeline."""
    ids = list(opportunity_ids)
    if company is None or not ids:
        return {}
    rows = PipelineEntry.objects.filter(company=company, opportunity_id__in=ids).values_list("opportunity_id", "stage")
    return dict(rows)


def pipeline_calendar_list(
    *, company: Company, leaving_out: Iterable[int] | QuerySet[Any, Any]
) -> QuerySet[PipelineEntry]:
    """The firm's followed and pursued published records for its calendar, but those in LEAVING_OUT (opportunity ids
    its matches already bring) and those it marked not relevant (a dismissed match that is no longer kept must not
    come back this way); an expected edition, which has no score until its dates are out, is among them."""
    dismissed = MatchFeedback.objects.filter(company=company).values("opportunity_id")
    return (
        PipelineEntry.objects.active()
        .filter(company=company, opportunity__status=Opportunity.Status.PUBLISHED)
        .exclude(opportunity_id__in=leaving_out)
        .exclude(opportunity_id__in=dismissed)
        .select_related("opportunity")
        .order_by("opportunity__slug")
    )


def pipeline_due_calendar_list(*, company: Company) -> QuerySet[PipelineEntry]:
    """The firm's entries still ahead of it (not won, lost or no bid) that have a due date, for its calendar feed,
    but those of records it dismissed; with the record, owner and firm each event shows, in one query."""
    dismissed = MatchFeedback.objects.filter(company=company).values("opportunity_id")
    return (
        PipelineEntry.objects.active()
        .filter(company=company, due_on__isnull=False)
        .exclude(opportunity_id__in=dismissed)
        .select_related("opportunity", "owner", "company")
        .order_by("due_on", "pk")
    )


def with_workspace(matches: AnyQuerySet, *, include_dismissed: bool = False) -> AnyQuerySet:
    """MATCHES annotated with `pipeline_stage` and `dismissed` (subqueries); dismissed ones left out unless asked."""
    same = Q(company_id=OuterRef("company_id"), opportunity_id=OuterRef("opportunity_id"))
    matches = matches.annotate(
        pipeline_stage=Subquery(PipelineEntry.objects.filter(same).values("stage")[:1]),
        dismissed=Exists(MatchFeedback.objects.filter(same)),
    )
    return matches if include_dismissed else matches.filter(dismissed=False)


def opportunity_for_pipeline(*, company: Company, slug: str) -> Opportunity:
    """A record COMPANY may set a stage on: any published one, or one already in its pipeline since archived (a card
    must still move to won or lost, or off the board); 404 otherwise."""
    in_pipeline = PipelineEntry.objects.filter(company=company, opportunity_id=OuterRef("pk"))
    found = Opportunity.objects.filter(Q(status=Opportunity.Status.PUBLISHED) | Exists(in_pipeline), slug=slug).first()
    if found is None:
        raise Http404(_("No such published opportunity."))
    return found


def opportunity_for_firm(*, slug: str) -> Opportunity:
    """A published record a firm may put in its pipeline or give feedback on; 404 otherwise."""
    found = Opportunity.objects.published().filter(slug=slug).first()
    if found is None:
        raise Http404(_("No such published opportunity."))
    return found


@dataclass
class EntryHistoryRow:
    """One save of a pipeline entry: the row as it was saved, and which of its fields that save changed."""

    record: Any  # the simple-history row (history_user read with it)
    changed: list[str]  # field names, as in ENTRY_FIELDS
    before: Any = None  # the row before it, where read
    by_consultant_unnamed: bool = False  # a consultant's save, read by someone who is not one

    @property
    def who(self) -> str:
        """Who saved: the username, or "A Kakehashi consultant" for a consultant's save read by the firm (a
        consultant's username is shown to consultants only, as on record pages and profiles, docs/security.md)."""
        if self.by_consultant_unnamed:
            return _("A Kakehashi consultant")
        user = self.record.history_user
        return user.get_username() if user is not None else ""

    @property
    def notes_changed(self) -> bool:
        return "notes" in self.changed

    @property
    def changes_said(self) -> str:
        """What a change did, each field before and after ("Stage: Preparing → Submitted; owner: staff → viewer"),
        the notes by name only (their text is in its own column); empty for an addition or a removal."""
        if self.before is None or self.record.history_type != "~":
            return ""
        parts = [
            str(_("notes changed"))
            if name == "notes"
            else labelled(
                getattr(PipelineEntry._meta.get_field(name), "verbose_name", name),
                f"{entry_value_said(self.before, name)} → {entry_value_said(self.record, name)}",
            )
            for name in self.changed
        ]
        if self.record.history_change_reason == DUE_FOLLOWED_DEADLINE:  # nobody at the firm changed it: say why
            parts.append(_(DUE_FOLLOWED_DEADLINE))
        return str(capfirst(punct(";").join(parts)))


def pipeline_entry_history(*, entry: PipelineEntry, limit: int, disclose: bool = True) -> list[EntryHistoryRow]:
    """The LIMIT latest saves of ENTRY, newest first, each naming the fields it changed (a creation names those it
    filled in), so a change of the notes shows with the text it replaced one row below; two queries. Without
    DISCLOSE (a reader who is not a consultant), a consultant's save is not named."""
    records = list(
        entry.history.select_related("history_user", "owner").order_by("-history_date", "-history_id")[: limit + 1]
    )
    unnamed: set[int] = set()
    if not disclose:
        users = {record.history_user_id for record in records[:limit]} - {None}
        unnamed = set(User.objects.filter(pk__in=users, groups__name=CONSULTANTS_GROUP).values_list("pk", flat=True))
    rows = []
    for index, record in enumerate(records[:limit]):
        before = records[index + 1] if index + 1 < len(records) else None
        if before is None:  # the first save read here: what it set (a creation), or nothing known to compare
            changed = [name for name, column in ENTRY_FIELDS if record.history_type == "+" and getattr(record, column)]
        else:
            changed = [name for name, column in ENTRY_FIELDS if getattr(record, column) != getattr(before, column)]
        rows.append(EntryHistoryRow(record, changed, before, record.history_user_id in unnamed))
    return rows


@dataclass
class FeedbackRow:
    """The feedback one record (or one area) received: counts by reason and the notes."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (firm, reason, note)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


SORTS = {"total", "label", *MatchFeedback.Reason.values}


def feedback_report(*, by: str, sort: str = "total") -> list[FeedbackRow]:
    """Feedback grouped per record (BY='record') or per main area (BY='area'), by SORT; 2 queries."""
    feedback = list(MatchFeedback.objects.select_related("company", "opportunity").order_by("-created_at", "pk"))
    rows: dict[str, FeedbackRow] = {}
    if by == "area":
        areas = defaultdict(list)
        links = OpportunityArea.objects.filter(opportunity_id__in={f.opportunity_id for f in feedback})
        for link in links.select_related("technology_area"):
            areas[link.opportunity_id].append((link.weight, link.technology_area))
        groups = [
            (f, [a for w, a in areas[f.opportunity_id] if w >= max(x for x, _ in areas[f.opportunity_id])])
            for f in feedback
        ]
        keyed = [(f, a.slug, a.name) for f, found in groups for a in found]
    else:
        keyed = [(f, f.opportunity.slug, f.opportunity.title) for f in feedback]
    for item, key, label in keyed:
        row = rows.setdefault(key, FeedbackRow(key=key, label=label))
        row.counts[item.reason] = row.counts.get(item.reason, 0) + 1
        if item.note:
            row.notes.append((item.company.name, item.get_reason_display(), item.note))
    ordered = list(rows.values())
    if sort == "label":
        return sorted(ordered, key=lambda r: r.label.lower())
    name = sort if sort in SORTS else "total"
    return sorted(ordered, key=lambda r: (-(r.total if name == "total" else r.counts.get(name, 0)), r.label))


def workspace_context(*, user: Viewer, company: Company | None, opportunity_ids: Iterable[int]) -> dict[str, object]:
    """What a page showing Follow/Pursue buttons needs: the firm's stages for its records and whether USER edits."""
    from workspace.services import workspace_can_edit

    if company is None:
        return {"pipeline_stages": {}, "can_edit_workspace": False}
    return {
        "pipeline_stages": pipeline_stages_for(company=company, opportunity_ids=opportunity_ids),
        "can_edit_workspace": workspace_can_edit(user=user, company=company),
    }


def pipeline_entry_list_for(*, user: Viewer, opportunity: Opportunity) -> list[PipelineEntry]:
    """The entries for OPPORTUNITY in the pipelines USER may see (their own firms'), with their firms; one query."""
    return list(PipelineEntry.objects.visible_to(user).filter(opportunity=opportunity).select_related("company"))
