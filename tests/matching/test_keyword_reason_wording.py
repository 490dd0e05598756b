"""Keyword reasons say the description has words for a curated keyword, never that it quotes the keyword."""

import pytest
from django.utils import translation

from matching import runs
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory


@pytest.fixture
def sustainable_firm(curated_areas):
    OpportunityFactory(
        slug="atla-sustainment",
        kind=Opportunity.Kind.PRIORITY_AREA,
        title="Sustainment",
        summary="Maintenance, repair and overhaul.",
        areas=[curated_areas["sustainment"]],
    )
    return CompanyFactory(
        slug="green-mro",
        country="AU",
        description="Sustainable maintenance and repair of naval vessels for the navy, with predictive maintenance.",
        areas=[curated_areas["sustainment"]],
    )


def test_keyword_reason_does_not_claim_the_firm_wrote_the_keyword(sustainable_firm):
    runs.match_run_execute(run_id=runs.match_run_create(scope=MatchRun.Scope.ALL).pk)
    match = Match.objects.get(company=sustainable_firm, opportunity__slug="atla-sustainment")
    keyword = next(r for r in match.reasons if r["code"] == "keywords")
    text = render(keyword)
    assert "mentions" not in text
    assert text.startswith("Sustainment") and ": description has words for " in text
    with translation.override("ja"):
        assert "に当たる記述あり" in render(keyword)
