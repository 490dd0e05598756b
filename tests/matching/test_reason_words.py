"""A reason cites a firm's words for an area only when they are evidence for that area, never everyday words."""

import pytest
from django.utils import translation

from matching import affinity, runs
from matching.explain import Explainer
from matching.features import firm_arrays
from matching.inputs import scoring_companies
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, MatchFactory, OpportunityFactory

# Records of several areas, written as records are: everyday words ("build", "work") in all of them.
RECORDS = {
    "electronic-warfare": "Firms that build and work on jamming, signals intelligence and spectrum management.",
    "cyber": "Firms that build and work on network defence and incident response.",
    "space": "Firms that build and work on satellites and space situational awareness.",
    "ugv": "Firms that build and work on uncrewed ground vehicles for logistics.",
    "quantum": "Firms that build and work on quantum sensing and timing.",
}
EVERYDAY = {"build", "work", "build work", "use", "wave", "team", "ship"}


@pytest.fixture
def records(curated_areas):
    for slug, summary in RECORDS.items():
        OpportunityFactory(
            slug=f"atla-{slug}",
            kind=Opportunity.Kind.PRIORITY_AREA,
            title=f"Priority area: {slug}",
            summary=summary,
            areas=[curated_areas[slug]],
        )


@pytest.fixture
def shipwright(records):
    return CompanyFactory(
        slug="shipwright", country="AU", areas=[],
        description="We build, test and work on protected communications for navy ships.",
    )  # fmt: skip


def _score_everyone() -> dict[str, tuple]:
    runs.match_run_execute(run_id=runs.match_run_create(scope=MatchRun.Scope.ALL).pk)
    return {
        m.opportunity.slug: (m.score, m.components, m.eligible, m.gaps, m.reasons)
        for m in Match.objects.select_related("opportunity")
    }


def _cited(reasons) -> set[str]:
    return {term for r in reasons if r["code"] == "related_terms" for term in r["params"]["terms"]}


def test_a_reason_cites_the_words_of_the_area_and_never_everyday_words(shipwright):
    reasons = _score_everyone()["atla-electronic-warfare"][4]
    assert _cited(reasons) == {"protected"}
    english = " ".join(render(r) for r in reasons)
    assert "writes about terms related to Electronic warfare" in english and "protected" in english
    assert "build" not in english and "work" not in english
    with translation.override("ja"):
        japanese = " ".join(render(r) for r in reasons)
    assert "「protected」" in japanese and "「build」" not in japanese and "「work」" not in japanese


def test_the_rule_changes_the_words_cited_never_the_scores(shipwright, monkeypatch):
    chosen = _score_everyone()
    # Every word allowed, as before the rule: the same scores, components, eligibility and gaps; other words.
    monkeypatch.setattr(affinity, "_qualifies", lambda profile, mean, curated: profile > -1)
    everything = _score_everyone()
    assert {slug: row[:4] for slug, row in chosen.items()} == {slug: row[:4] for slug, row in everything.items()}
    assert _cited(everything["atla-electronic-warfare"][4]) & EVERYDAY  # what the rule keeps out


def test_without_a_distinctive_word_there_is_no_related_terms_reason(records, curated_areas):
    firm = CompanyFactory(slug="yard", country="AU", areas=[], description="We build and work on navy ships.")
    context = runs._context(run_id=None)
    firms = firm_arrays(context.corpus, scoring_companies(ids=[firm.pk], today=context.today), year=context.today.year)
    explainer = Explainer(context.corpus, firms, context.opportunities)
    ew = [a.slug for a in context.corpus.areas].index("electronic-warfare")
    assert firms.profile[0, ew] > 0  # the firm is close to the area's profile, through everyday words only
    assert explainer.profile_terms(0, ew) == []
    assert explainer.area_piece(0, ew) == []


def test_a_match_with_no_reason_to_cite_says_so_and_points_to_its_score(alice_client, firm_a):
    MatchFactory(company=firm_a, reasons=[], score=31.0)
    text = alice_client.get("/my/matches/").text
    assert "No reasons recorded." not in text
    assert "No particular evidence of fit to cite: the bar above shows what the score is made of." in text
    japanese = alice_client.get("/ja/my/matches/").text
    assert "適合を示す具体的な根拠は見当たりません。スコアの内訳は上のバーのとおりです。" in japanese
