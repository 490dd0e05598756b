"""Which firms rank a record among their N best matches: the question an opportunity run asks for the hooks that
read only a firm's N best (partner fits read five), so it must agree with the order those hooks read."""

import random

import pytest

from matching import inputs
from matching.models import Match
from tests.factories import CompanyFactory, MatchFactory, OpportunityFactory


def _best(n: int) -> dict[int, list[int]]:
    """Each firm's N best eligible matches, by score and then the record's id: the order of
    hooks.ChunkContext.best_opportunities and of the partner fits' query."""
    by_firm: dict[int, list[tuple[float, int]]] = {}
    for company_id, score, opportunity_id in Match.objects.filter(eligible=True).values_list(
        "company_id", "score", "opportunity_id"
    ):
        by_firm.setdefault(company_id, []).append((-score, opportunity_id))
    return {firm: [pk for _, pk in sorted(rows)[:n]] for firm, rows in by_firm.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_record_is_among_a_firms_best_exactly_when_the_hooks_would_read_it_there(db, seed):
    """Ties broken by the record's id, ineligible matches skipped, firms with fewer than N matches included."""
    rng = random.Random(seed)
    firms = [CompanyFactory(slug=f"firm-{seed}-{i}") for i in range(12)]
    records = [OpportunityFactory(slug=f"record-{seed}-{k}") for k in range(9)]
    for firm in firms:
        for record in rng.sample(records, rng.randint(1, len(records))):
            MatchFactory(
                company=firm,
                opportunity=record,
                score=rng.choice([40.0, 55.5, 55.5, 70.0, 70.0, 81.25]),  # many ties
                eligible=rng.random() > 0.25,
            )
    for n in (1, 3, 5):
        best = _best(n)
        for record in records:
            expected = {firm for firm, pks in best.items() if record.pk in pks}
            assert inputs.firms_ranking_among_best(opportunity_id=record.pk, best=n) == expected, (n, record.slug)
