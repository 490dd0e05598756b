"""The gap plan advises a Japanese partner only for records the firm fits: a partner opens no door to a poor fit."""

from matching.selectors import gap_plan
from programmes.models import Opportunity
from tests.factories import CallFactory, MatchFactory, OpportunityFactory

PAGE = "/my/matches/"
PARTNER = {"code": "partner_needed", "params": {}}
LOW_FIT = {"code": "low_fit", "params": {"capability": 0.2, "cap": 20}}
ANY_TECHNOLOGY = {"code": "any_technology", "params": {"kind": "hub"}}


def partner_rows(plan):
    return [item for category, _label, items in plan if category == "partner" for item in items]


def test_a_firm_that_fits_nothing_is_not_told_to_find_a_partner(alice_client, firm_a, curated_areas):
    firm_a.description = "Soil-moisture sensors and irrigation controllers for farms."
    firm_a.save()
    for n, slug in enumerate(["cyber", "quantum", "space", "uuv"]):
        call = CallFactory(title=f"Call {slug}", areas=[curated_areas[slug]], japan_presence="partner")
        MatchFactory(company=firm_a, opportunity=call, score=16 - n, gaps=[LOW_FIT, PARTNER])
    hub = OpportunityFactory(title="Any-technology hub", kind=Opportunity.Kind.HUB, japan_presence="partner")
    MatchFactory(company=firm_a, opportunity=hub, score=5, reasons=[ANY_TECHNOLOGY], gaps=[PARTNER])

    response = alice_client.get(PAGE)

    assert partner_rows(response.context["gap_plan"]) == []
    plan = response.text[response.text.index('id="plan-heading"') :]
    assert "Partners and presence in Japan" not in plan and "Partners to talk to:" not in plan
    assert "find a Japanese partner firm before applying" in response.text  # each card still says what the rule is


def test_the_partner_row_counts_only_the_records_the_firm_fits(db, firm_a):
    fits = [MatchFactory(company=firm_a, opportunity=CallFactory(), score=60, gaps=[PARTNER]) for _ in range(2)]
    poor = [
        MatchFactory(company=firm_a, opportunity=CallFactory(), score=15, gaps=[LOW_FIT, PARTNER]) for _ in range(3)
    ]
    hub = MatchFactory(
        company=firm_a, opportunity=OpportunityFactory(kind="hub"), score=20, reasons=[ANY_TECHNOLOGY], gaps=[PARTNER]
    )

    (row,) = partner_rows(gap_plan(matches=[*fits, *poor, hub]))

    assert row.count == 3 and row.matches == [*fits, hub]  # a hub taking any technology, since the firm fits records
