"""Reads of partners that more than one caller needs: the partners to suggest for a "needs a Japanese partner" gap,
and the status history of introduction requests (the firm's page and the API)."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from partners.models import Introduction, Partner, PartnerArea, PartnerFit
from programmes.models import Opportunity

GAP_PARTNERS = 3


def partners_for_gap(*, company_id: int, opportunity: Opportunity, limit: int = GAP_PARTNERS) -> list[Partner]:
    """The LIMIT partners to offer a firm whose match with OPPORTUNITY needs a Japanese partner (issue 16), as
    partners_for_gaps orders them for that one pair."""
    offered = partners_for_gaps({(company_id, opportunity.pk)}, limit)[(company_id, opportunity.pk)]
    by_slug = Partner.objects.in_bulk([row["slug"] for row in offered], field_name="slug")
    return [by_slug[row["slug"]] for row in offered]


def partners_for_gaps(
    pairs: set[tuple[int, int]], limit: int = GAP_PARTNERS
) -> dict[tuple[int, int], list[dict[str, str]]]:
    """The partners to offer on a partner gap, for many (firm pk, opportunity pk) pairs at once, as plain dicts; five
    queries for any number (six when a record is in no area).

    For a programme, a call or an event in some area, partners that already work on the record come first, then those
    working in its areas; within each, the firm's partner fit decides, then the name. A hub, and a record in no area
    (one that takes any technology), rank by the firm's partner fit alone, over the partners on it, in its areas and,
    for a record in no area, the firm's best-fitting partners overall; working on it only breaks a tie. The match
    explanations put these in `gaps_detail[].partners`.

    matching.hooks.gap_partners calls this (registered in PartnersConfig.ready) for the matches API and gap plan.
    """
    opportunity_ids = {o for _, o in pairs}
    on_it: dict[int, set[int]] = defaultdict(set)
    links = Partner.programmes.through.objects.filter(opportunity_id__in=opportunity_ids)
    for opportunity_id, partner_id in links.values_list("opportunity_id", "partner_id"):
        on_it[opportunity_id].add(partner_id)
    opportunity_areas: dict[int, set[int]] = defaultdict(set)
    hubs: set[int] = set()
    for opportunity_id, kind, area_id in Opportunity.objects.filter(pk__in=opportunity_ids).values_list(
        "pk", "kind", "area_links__technology_area_id"
    ):
        if kind == Opportunity.Kind.HUB:
            hubs.add(opportunity_id)
        if area_id is not None:
            opportunity_areas[opportunity_id].add(area_id)
    all_areas = set().union(*opportunity_areas.values()) if opportunity_areas else set()
    area_partners: dict[int, set[int]] = defaultdict(set)
    for partner_id, area_id in PartnerArea.objects.filter(technology_area_id__in=all_areas).values_list(
        "partner_id", "technology_area_id"
    ):
        area_partners[area_id].add(partner_id)
    candidates = set().union(*on_it.values(), *area_partners.values())
    # A record in no area (one that takes any technology) names nothing to pick partners by: the firm's best-fitting
    # partners overall join those on it.
    anything = {o for o in opportunity_ids if not opportunity_areas.get(o)}
    best: dict[int, list[int]] = defaultdict(list)
    if anything:
        firms = {c for c, o in pairs if o in anything}
        for company_id, partner_id in (
            PartnerFit.objects.filter(company_id__in=firms, score__gt=0)
            .order_by("company_id", "-score", "partner__name")
            .values_list("company_id", "partner_id")
        ):
            if len(best[company_id]) < limit:
                best[company_id].append(partner_id)
        candidates |= set().union(*best.values())
    if not candidates:
        return {pair: [] for pair in pairs}
    rows = Partner.objects.filter(pk__in=candidates).values("pk", "slug", "name", "name_ja", "name_kana", "role")
    partners = {row.pop("pk"): row for row in rows}
    fits = PartnerFit.objects.filter(company_id__in={c for c, _ in pairs}, partner_id__in=candidates)
    score = {(c, p): s for c, p, s in fits.values_list("company_id", "partner_id", "score")}
    # A hub is a door to each of its topics (matching.engine.HUB_DOOR), and a record in no area a door to any: the
    # firm's own fit decides there. Ranking a hub's partners first offered a USV maker three start-ups that present
    # at the start-up council (wind lidar, assist suits, long-range drones) and none of its own field.
    by_fit = hubs | anything
    offered = {}
    for company_id, opportunity_id in pairs:
        working = on_it.get(opportunity_id, set())
        pool = working | set().union(
            *(area_partners.get(a, set()) for a in opportunity_areas.get(opportunity_id, set()))
        )
        if opportunity_id in anything:
            pool |= set(best.get(company_id, []))
        fit = {p: score.get((company_id, p), 0.0) for p in pool}
        if opportunity_id in by_fit:
            ranked = sorted(pool, key=lambda p: (-fit[p], p not in working, partners[p]["name"]))
        else:
            ranked = sorted(pool, key=lambda p: (p not in working, -fit[p], partners[p]["name"]))
        offered[(company_id, opportunity_id)] = [dict(partners[p]) for p in ranked[:limit]]
    return offered


def introduction_steps(introductions: Iterable[Introduction]) -> dict[int, list[dict[str, Any]]]:
    """Each request's status history as its firm reads it, oldest first, in one query for any number of requests:
    `{"status", "changed_at", "reason"}` for each change of the status or of the reason the firm is given. A
    consultant's edit of the private notes alone writes a history row with the same status and is no step."""
    steps: dict[int, list[dict[str, Any]]] = {introduction.pk: [] for introduction in introductions}
    seen: dict[int, tuple[str, str]] = {}
    rows = Introduction.history.filter(id__in=steps).order_by("id", "history_date", "history_id")
    for row in rows.values("id", "status", "reason", "history_date"):
        if seen.get(row["id"]) != (row["status"], row["reason"]):
            seen[row["id"]] = (row["status"], row["reason"])
            steps[row["id"]].append(
                {"status": row["status"], "changed_at": row["history_date"], "reason": row["reason"]}
            )
    return steps
