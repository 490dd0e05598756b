"""The reasons and gaps a chunk stores, written column by column, read as each pair's own explanation."""

import numpy as np

from companies.models import Company
from matching import engine, inputs, runs
from matching.explain import Explainer
from matching.features import align_countries, firm_arrays
from matching.items import Item, dump
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory


def _text(items: list[Item]) -> str:
    return "[" + ", ".join(dump(entry) for entry in items) + "]"


def test_every_pairs_stored_reasons_and_gaps_are_its_own_explanation(curated_areas):
    a = curated_areas
    firms = [
        CompanyFactory(
            slug="laser",
            description="High-energy laser beam director for counter-drone defence.",
            areas=[a["directed-energy"]],
        ),
        CompanyFactory(
            slug="drones",
            description="Small drones, counter-drone radar and electronic warfare jammers.",
            areas=[a["uav"], a["counter-uas"]],
        ),
        CompanyFactory(
            slug="cyber",
            description="Security operations tooling and threat intelligence for defence networks.",
            country="JP",
            size=Company.Size.LARGE,
        ),
        CompanyFactory(slug="bakery", description="Bread and cakes."),
    ]
    OpportunityFactory(slug="laser-call", areas=[a["directed-energy"]])
    OpportunityFactory(slug="tie", areas=[(a["uav"], 0.5), (a["counter-uas"], 0.5), (a["electronic-warfare"], 0.5)])
    OpportunityFactory(slug="mixed", areas=[(a["cyber"], 1.0), (a["uav"], 0.3)])
    OpportunityFactory(slug="any-hub", kind=Opportunity.Kind.HUB)
    OpportunityFactory(slug="any-programme")
    context = runs._context(run_id=None)
    companies = inputs.scoring_companies(ids=[firm.pk for firm in firms], today=context.today)
    arrays = firm_arrays(context.corpus, companies, year=context.today.year)
    align_countries(arrays, context.opportunities)
    scores = engine.score(arrays, context.opportunities)
    rows, cols = np.nonzero(np.ones_like(scores.score, dtype=np.bool_))  # every pair, not only the stored ones
    components = scores.components[:, rows, cols].T
    gates, limits = scores.gates[rows, cols], engine.FIT_SLOPE * components[:, 0]

    explainer = Explainer(context.corpus, arrays, context.opportunities)
    reasons = explainer.reasons_column(rows, cols, components).tolist()
    gaps = explainer.gaps_column(rows, cols, components, gates, limits).tolist()

    for n, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        assert reasons[n] == _text(explainer.reasons(i, j, components[n]))
        assert gaps[n] == _text(explainer.gaps(i, j, components[n], int(gates[n]), float(limits[n])))
    assert any("any_technology" in text and "keywords" in text for text in reasons)
    assert any(text.count('"area"') >= 3 for text in reasons)  # two areas, one of them ticked and found in words
    assert "[]" in reasons
