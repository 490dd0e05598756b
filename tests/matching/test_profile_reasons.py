"""A match whose area fit comes from the area's profile, not a keyword or a tick, still says why: the firm's words."""

import pytest
from django.utils import translation

from matching import affinity, inputs, runs
from matching.explain import Explainer
from matching.features import firm_arrays
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory


@pytest.fixture
def seafloor_firm(curated_areas):
    OpportunityFactory(
        slug="atla-uuv",
        kind=Opportunity.Kind.PRIORITY_AREA,
        title="Undersea vehicles",
        summary="Torpedo-shaped vehicles that survey the seafloor and guard undersea cables.",
        areas=[curated_areas["uuv"]],
    )
    return CompanyFactory(
        slug="seafloor-robotics",
        country="AU",
        description="Our torpedo-shaped robots survey the seafloor for the navy.",
    )


def test_a_match_resting_on_the_profile_cites_the_firms_words(seafloor_firm):
    runs.match_run_execute(run_id=runs.match_run_create(scope=MatchRun.Scope.ALL).pk)
    match = Match.objects.get(company=seafloor_firm, opportunity__slug="atla-uuv")
    reason = next(r for r in match.reasons if r["code"] == "related_terms")
    assert reason["params"]["area"] == "uuv"
    assert 1 <= len(reason["params"]["terms"]) <= 3 and "seafloor" in reason["params"]["terms"]
    assert render(reason).startswith("writes about terms related to Uncrewed underwater vehicles")
    assert "seafloor" in render(reason)
    with translation.override("ja"):
        assert "関連用語" in render(reason) and "「seafloor」" in render(reason)


def test_profile_words_are_the_words_related_terms_names(seafloor_firm, curated_areas):
    context = runs._context(run_id=None)
    companies = inputs.scoring_companies(ids=[seafloor_firm.pk], today=context.today)
    firms = firm_arrays(context.corpus, companies, year=context.today.year)
    explainer, corpus = Explainer(context.corpus, firms, context.opportunities), context.corpus
    assert corpus.profiles_t is not None
    for a in range(corpus.n_areas):
        named = affinity.related_terms(
            corpus.vocabulary, firms.text, corpus.profiles_t, 0, a, curated=corpus.keyword_weights, limit=6
        )
        expected = [t for t in named if not any(t != o and f" {t} " in f" {o} " for o in named)][:3]
        assert explainer.profile_terms(0, a) == expected


def test_a_ticked_or_keyword_area_gets_no_profile_reason(curated_areas):
    firm = CompanyFactory(slug="uuv-maker", description="Our AUV fleet surveys the seafloor.", areas=[])
    OpportunityFactory(slug="atla-uuv", kind=Opportunity.Kind.PRIORITY_AREA, areas=[curated_areas["uuv"]])
    runs.match_run_execute(run_id=runs.match_run_create(scope=MatchRun.Scope.ALL).pk)
    codes = [r["code"] for r in Match.objects.get(company=firm, opportunity__slug="atla-uuv").reasons]
    assert "keywords" in codes and "related_terms" not in codes


def test_the_api_gives_the_profile_reason_as_text_and_detail(seafloor_firm, consultant_client):
    runs.match_run_execute(run_id=runs.match_run_create(scope=MatchRun.Scope.ALL).pk)
    row = consultant_client.get("/api/v1/companies/seafloor-robotics/matches/").json()["results"][0]
    assert row["reasons"] and row["reasons"][0].startswith("writes about terms related to Uncrewed underwater")
    assert row["reasons_detail"][0]["code"] == "related_terms" and "seafloor" in row["reasons_detail"][0]["text"]
