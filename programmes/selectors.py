"""Reads of opportunities that need more than one QuerySet call: the home page's counts and dated lists."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.roles import Viewer
from programmes.models import Opportunity, OpportunityArea, TechnologyArea


def opportunity_kind_counts() -> list[tuple[str, str, int]]:
    """(kind, label, number published) for every kind, in the model's order; one GROUP BY query."""
    counts = dict(
        Opportunity.objects.published().order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    return [(kind, str(label), counts.get(kind, 0)) for kind, label in Opportunity.Kind.choices]


def technology_area_counts(*, japanese: bool = False) -> QuerySet[TechnologyArea]:
    """Every technology area with `opportunity_count`, its published opportunities, as a subquery annotation; most
    first, ties in the reader's order (`NamedQuerySet.in_reading_order`: by the reading of the Japanese name for a
    JAPANESE reader, 持続性 (じぞくせい) before 統合防空 (とうごうぼうくう))."""
    published_links = (
        OpportunityArea.objects.filter(technology_area=OuterRef("pk"), opportunity__status=Opportunity.Status.PUBLISHED)
        .order_by()
        .values("technology_area")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return TechnologyArea.objects.annotate(
        opportunity_count=Coalesce(Subquery(published_links, output_field=IntegerField()), 0)
    ).in_reading_order(japanese, first_by=("-opportunity_count",))


def upcoming_deadline_list(*, user: Viewer, today: datetime.date, events: bool, limit: int = 6) -> list[Opportunity]:
    """The first LIMIT calls (events=False) or events (events=True) that the listing's "upcoming" lists on TODAY
    (`OpportunityQuerySet.upcoming_on`, the one rule behind `when=upcoming` and both upcoming choices of `open`),
    soonest date first.

    An event under way comes first (its first day is past, its last is not); an expected edition comes in at the start
    of its window, so the page shows it, marked expected. A call with no date at all has none to show and is left out.
    """
    kind = Opportunity.Kind.EVENT if events else Opportunity.Kind.CALL
    queryset = (
        Opportunity.objects.visible_to(user)
        .published()
        .upcoming_on(today)
        .filter(kind=kind)
        .with_deadline()
        .annotate(sort_on=Coalesce(F("deadline_on"), F("expected_from")))
    )
    return list(queryset.filter(sort_on__isnull=False).order_by("sort_on", "title", "pk")[:limit])


def dated_opportunity_list(*, queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Records with a date a calendar can show: a closing date, or an event's start."""
    return queryset.filter(
        Q(closes_on__isnull=False)
        | Q(kind=Opportunity.Kind.EVENT, starts_on__isnull=False)
        | Q(kind__in=[Opportunity.Kind.CALL, Opportunity.Kind.EVENT], expected_from__isnull=False)
    ).order_by("closes_on", "starts_on", "expected_from", "slug")


def unscored_because(opportunity: Opportunity, on: datetime.date | None = None) -> str | None:
    """Why the matcher does not score OPPORTUNITY on ON (None when it does): "past" (a closed call or a past event,
    archived or not), "status" (a draft or archived record), "expected" (only an expected window) or "undated" (an
    event with no dates yet). The rule itself is the queryset's (published().open_on); this only names the reason."""
    day = on or timezone.localdate()
    if Opportunity.objects.published().open_on(day).filter(pk=opportunity.pk).exists():
        return None
    if opportunity.is_past(day):  # an archived past edition is over before it is archived
        return "past"
    if opportunity.status != Opportunity.Status.PUBLISHED:
        return "status"
    return "expected" if opportunity.expected else "undated"


@dataclass(frozen=True)
class Withdrawn:
    """A record that was public and has since been archived: what its page still says about it."""

    opportunity: Opportunity
    archived_at: datetime.datetime


def opportunity_withdrawn_get(*, slug: str) -> Withdrawn | None:
    """The archived record SLUG if it was ever published, with when it was last archived (from its history; two
    queries). None for any other slug: a draft, or a record archived before anyone saw it, stays unknown (404)."""
    opportunity = (
        Opportunity.objects.filter(slug=slug, status=Opportunity.Status.ARCHIVED)
        .prefetch_related(Prefetch("area_links", queryset=OpportunityArea.objects.select_related("technology_area")))
        .first()
    )
    if opportunity is None:
        return None
    rows = list(opportunity.history.order_by("-history_date", "-history_id").values_list("status", "history_date"))
    archived_at = None
    for status, when in rows:  # newest first: the start of the archived stretch the record is in now
        if status != Opportunity.Status.ARCHIVED:
            break
        archived_at = when
    was_public = any(status == Opportunity.Status.PUBLISHED for status, _when in rows)
    return Withdrawn(opportunity, archived_at) if archived_at is not None and was_public else None


def opportunity_alternative_list(*, opportunity: Opportunity, user: Viewer, limit: int = 5) -> list[Opportunity]:
    """Up to LIMIT published records open today that share an area with OPPORTUNITY, soonest deadline first: where
    a reader of a withdrawn record can go instead."""
    areas = [link.technology_area_id for link in opportunity.area_links.all()]
    if not areas:
        return []
    records = (
        Opportunity.objects.visible_to(user)
        .published()
        .open_on(timezone.localdate())
        .filter(Exists(OpportunityArea.objects.filter(opportunity=OuterRef("pk"), technology_area_id__in=areas)))
        .exclude(pk=opportunity.pk)
        .with_deadline()
        .order_by(F("deadline_on").asc(nulls_last=True), "title")
    )
    return list(records[:limit])
