"""An event brief: what one firm should know, meet and fix before one event (issue 16, docs/partners.md).

It sits in the site layer because it reads matching, partners, notices and the workspace. How the parts are chosen:

- the event's focus areas are its own technology areas; an expected edition without areas borrows those of the
  editions it is linked to (`related`), so "DSEI Japan 2027 (expected)" is read through DSEI Japan 2025;
- an opportunity is linked to the event when it shares a focus area or one of the event's organisations; the firm's
  matches on linked records come first by shared area, then by score (dismissed ones left out);
- partners to meet are the firm's best partner fits among partners that work in a focus area, on a linked record or
  on the event itself (the firm's best fits overall when the event names neither);
- notices apply when they name the event or a linked record, one of the focus areas, or the firm's country.

Every part is a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.http import Http404

from companies.models import Company
from matching.models import Match
from matching.names import Names
from matching.selectors import GapItem, gap_plan, in_firms_field, suggested_area_slugs
from notices.models import Notice
from partners.models import PartnerFit
from programmes.models import Opportunity, OpportunityArea, Organisation, TechnologyArea
from workspace.selectors import with_workspace

BRIEF_OPPORTUNITIES = 10
BRIEF_PARTNERS = 10
BRIEF_NOTICES = 10
CHART_WIDTH = 560  # the bars' full length in the chart's SVG units (the labels of values sit to their right)


@dataclass(frozen=True)
class FocusArea:
    """One of the event's focus areas beside the firm's fit in it, for the brief's chart."""

    area: TechnologyArea
    weight: float  # the event's own weight for the area, 0-1
    fit: float | None  # the firm's best score on a record in the area, 0-100; None when it has none
    declared: bool  # the firm ticked the area in its profile

    @property
    def weight_percent(self) -> float:
        return round(self.weight * 100, 1)

    @property
    def event_width(self) -> int:
        """The event's bar on the chart's 0-100 scale, CHART_WIDTH units wide."""
        return round(self.weight * CHART_WIDTH)

    @property
    def fit_width(self) -> int:
        return round((self.fit or 0.0) / 100 * CHART_WIDTH)


@dataclass
class LinkedMatch:
    """The firm's match on a record linked to the event, and why it is linked."""

    match: Match
    areas: list[TechnologyArea] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)


@dataclass
class EventBrief:
    """Everything the brief page shows for one firm and one event."""

    company: Company
    event: Opportunity
    focus: list[FocusArea]
    focus_from: list[Opportunity]  # the editions the focus areas were borrowed from (empty when the event has its own)
    organisations: list[Organisation]
    opportunities: list[LinkedMatch]
    partners: list[PartnerFit]
    gap_plan: list[tuple[str, str, list[GapItem]]]
    notices: list[Notice]


def brief_event_get(*, user, slug: str) -> Opportunity:
    """The event record SLUG as USER may see it, with its areas and organisations; 404 for anything else."""
    event = (
        Opportunity.objects.visible_to(user)
        .filter(kind=Opportunity.Kind.EVENT, slug=slug)
        .prefetch_related(
            Prefetch("area_links", queryset=OpportunityArea.objects.select_related("technology_area")),
            "organisations",
        )
        .first()
    )
    if event is None:
        raise Http404("No such event.")
    return event


def event_brief(*, user, company: Company, event: Opportunity, names: Names | None = None) -> EventBrief:
    """The brief of COMPANY for EVENT as USER may see it."""
    weights, focus_from = _focus_weights(user=user, event=event)
    organisations = list(event.organisations.all())
    # The gap plan counts "little technology fit" only on records in the firm's field, as on my matches.
    field = suggested_area_slugs(company=company)
    linked = _linked_matches(
        user=user, company=company, event=event, weights=weights, organisations=organisations, suggested=field
    )
    matches = [row.match for row in linked]
    return EventBrief(
        company=company,
        event=event,
        focus=_focus_chart(user=user, company=company, event=event, weights=weights),
        focus_from=focus_from,
        organisations=organisations,
        opportunities=linked,
        partners=_partners_to_meet(user=user, company=company, event=event, weights=weights, matches=matches),
        gap_plan=gap_plan(matches=matches, names=names),
        notices=_notices(company=company, event=event, weights=weights, matches=matches),
    )


def _focus_weights(*, user, event: Opportunity) -> tuple[dict[TechnologyArea, float], list[Opportunity]]:
    """The event's focus areas with their weights, borrowed from its linked editions when it has none."""
    own = {link.technology_area: link.weight for link in event.area_links.all()}
    if own:
        return own, []
    editions = list(
        Opportunity.objects.visible_to(user)
        .filter(related=event, kind=Opportunity.Kind.EVENT)
        .prefetch_related(Prefetch("area_links", queryset=OpportunityArea.objects.select_related("technology_area")))
        .order_by("-starts_on", "slug")
    )
    borrowed: dict[TechnologyArea, float] = {}
    for edition in editions:
        for link in edition.area_links.all():
            borrowed[link.technology_area] = max(borrowed.get(link.technology_area, 0.0), link.weight)
    return borrowed, [edition for edition in editions if edition.area_links.all()]


def _linked_matches(
    *,
    user,
    company: Company,
    event: Opportunity,
    weights: dict,
    organisations: list[Organisation],
    suggested: list[str],
) -> list[LinkedMatch]:
    area_ids = [area.pk for area in weights]
    organisation_ids = [org.pk for org in organisations]
    linked_records = Opportunity.objects.filter(
        Q(area_links__technology_area_id__in=area_ids) | Q(organisations__in=organisation_ids)
    ).values("pk")
    same_record = OuterRef("opportunity_id")
    in_focus = OpportunityArea.objects.filter(opportunity_id=same_record, technology_area_id__in=area_ids)
    matches = (
        with_workspace(Match.objects.visible_to(user).filter(company=company))
        .filter(opportunity__in=linked_records, opportunity__status=Opportunity.Status.PUBLISHED)
        .exclude(opportunity=event)
        .annotate(in_focus=Exists(in_focus), in_field=in_firms_field(company=company, suggested=suggested))
        .select_related("opportunity", "company")
        .prefetch_related(
            "opportunity__organisations",
            Prefetch("opportunity__area_links", queryset=OpportunityArea.objects.select_related("technology_area")),
        )
        .order_by("-in_focus", "-score", "opportunity__slug")[:BRIEF_OPPORTUNITIES]
    )
    rows = []
    for match in matches:
        record = match.opportunity
        rows.append(
            LinkedMatch(
                match=match,
                areas=[link.technology_area for link in record.area_links.all() if link.technology_area in weights],
                organisations=[org for org in record.organisations.all() if org.pk in organisation_ids],
            )
        )
    return rows


def _focus_chart(*, user, company: Company, event: Opportunity, weights: dict) -> list[FocusArea]:
    """Each focus area, heaviest first, with the firm's best score on another published record about it (one query).

    A record is about the areas it weighs most (its main areas, as the matcher's own measure reads them): a USV call
    that lists underwater vehicles at a fifth of its weight says nothing of the firm's fit for underwater vehicles.
    """
    main_links = OpportunityArea.objects.main().filter(technology_area__in=list(weights)).values("pk")
    best = dict(
        Match.objects.visible_to(user)
        .filter(
            company=company,
            opportunity__status=Opportunity.Status.PUBLISHED,
            opportunity__area_links__in=main_links,
        )
        .exclude(opportunity=event)
        .values_list("opportunity__area_links__technology_area_id")
        .annotate(best=Max("score"))
    )
    declared = set(company.technology_areas.values_list("pk", flat=True))
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0].slug))
    return [
        FocusArea(area=area, weight=weight, fit=best.get(area.pk), declared=area.pk in declared)
        for area, weight in ordered
    ]


def _partners_to_meet(
    *, user, company: Company, event: Opportunity, weights: dict, matches: list[Match]
) -> list[PartnerFit]:
    fits = PartnerFit.objects.visible_to(user).filter(company=company)
    record_ids = [event.pk, *(match.opportunity_id for match in matches)]
    if weights or matches:
        fits = fits.filter(
            Q(partner__area_links__technology_area__in=list(weights)) | Q(partner__programmes__in=record_ids)
        )
        fits = PartnerFit.objects.filter(pk__in=fits.values("pk"))
    return list(fits.select_related("partner").best_first()[:BRIEF_PARTNERS])


def _notices(*, company: Company, event: Opportunity, weights: dict, matches: list[Match]) -> list[Notice]:
    record_ids = [event.pk, *(match.opportunity_id for match in matches)]
    applies = Q(records__in=record_ids) | Q(technology_areas__in=list(weights))
    if company.country:
        applies |= Q(countries__contains=str(company.country))
    matching_ids = Notice.objects.published().filter(applies).values("pk")
    return list(Notice.objects.filter(pk__in=matching_ids).prefetch_related("sources").newest_first()[:BRIEF_NOTICES])
