"""Reads of the site layer: the ones that need the workspace beside the scores."""

from collections.abc import Iterable

from companies.models import Company
from matching.models import Match
from matching.names import Names
from matching.selectors import (
    GAP_PLAN_TOP,
    GapItem,
    gap_plan,
    in_firms_field,
    notice_gaps_attach,
    suggested_area_slugs,
)
from portal.roles import Viewer
from workspace.selectors import with_workspace


def company_gap_matches(
    *, user: Viewer, company: Company | None, suggested: Iterable[str] | None = None
) -> list[Match]:
    """COMPANY's GAP_PLAN_TOP best matches, leaving out those it marked not relevant (one query), each with
    `in_field`: whether its record asks for an area the firm ticks or one of SUGGESTED, the areas its words suggest
    (`matching.selectors.suggested_area_slugs`, read here unless the caller has them already)."""
    if company is None:
        return []
    if suggested is None:
        suggested = suggested_area_slugs(company=company)
    return list(
        with_workspace(Match.objects.visible_to(user).filter(company=company))
        .annotate(in_field=in_firms_field(company=company, suggested=suggested))
        .select_related("opportunity")
        .only(
            "pk",
            "company",
            "score",
            "gaps",
            "reasons",
            "opportunity__slug",
            "opportunity__title",
            "opportunity__title_ja",
        )
        .best_first()[:GAP_PLAN_TOP]
    )


def company_gap_plan(
    *,
    user: Viewer,
    company: Company | None,
    names: Names | None = None,
    matches: list[Match] | None = None,
) -> list[tuple[str, str, list[GapItem]]]:
    """The gap plan over COMPANY's best matches: their stored gaps and the notices bearing on them, grouped.

    MATCHES, when given, are `company_gap_matches` whose notice gaps the caller already attached (the my-matches
    page reads them in one go with its page of matches); otherwise they are read here.
    """
    if matches is None:
        matches = notice_gaps_attach(company_gap_matches(user=user, company=company))
    return gap_plan(matches=matches, names=names)
