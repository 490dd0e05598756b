"""Reads for the consultants' source queue: open changes, unreachable sources, stale and untranslated records."""

from dataclasses import dataclass

from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.expressions import OrderBy

from programmes.models import Opportunity
from sources.models import SourceChange, SourceWatch


def _deadline_order(prefix: str) -> list[OrderBy]:
    """Soonest deadline first (an event's start, anything else's closing date), undated last."""
    deadline = Case(
        When(**{f"{prefix}kind": Opportunity.Kind.EVENT}, then=F(f"{prefix}starts_on")),
        default=F(f"{prefix}closes_on"),
    )
    return [deadline.asc(nulls_last=True)]


def open_change_list() -> QuerySet[SourceChange]:
    """Open changes, the records with the soonest deadline first, then the oldest change."""
    prefix = "watch__source__opportunity__"
    return SourceChange.objects.open().for_listing().order_by(*_deadline_order(prefix), "detected_at", "pk")


def unreachable_watch_list() -> QuerySet[SourceWatch]:
    """Unreachable and redirected sources, the records with the soonest deadline first."""
    states = [SourceWatch.State.UNREACHABLE, SourceWatch.State.REDIRECTED]
    return (
        SourceWatch.objects.filter(state__in=states)
        .select_related("source__opportunity")
        .order_by(*_deadline_order("source__opportunity__"), "source__url")
    )


def stale_record_list() -> QuerySet[Opportunity]:
    """Published records past STALE_AFTER_DAYS, soonest deadline first."""
    return Opportunity.objects.stale().order_by(*_deadline_order(""), "title")


def untranslated_record_list() -> QuerySet[Opportunity]:
    """Published records missing a Japanese title or summary (issue #13: every record gets both)."""
    return Opportunity.objects.published().filter(Q(title_ja="") | Q(summary_ja="")).order_by("title")


@dataclass
class QueueCounts:
    """The numbers shown on the admin index."""

    open_changes: int
    unreachable: int
    stale: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.open_changes + self.unreachable + self.stale


def queue_counts() -> QueueCounts:
    """Counts for the admin index, four COUNT queries."""
    return QueueCounts(
        open_changes=SourceChange.objects.open().count(),
        unreachable=SourceWatch.objects.filter(
            state__in=[SourceWatch.State.UNREACHABLE, SourceWatch.State.REDIRECTED]
        ).count(),
        stale=Opportunity.objects.stale().count(),
        untranslated=untranslated_record_list().count(),
    )
