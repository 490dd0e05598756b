"""A start-up scheme's age rule with no founding year on record: the gate lets the firm through, as a ranking round
chose (docs/matching.md, "Gates"), and a gap tells it the limit and how to have the year added."""

import pytest

from companies.models import Company
from matching import runs
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, MembershipFactory, OpportunityFactory, UserFactory
from tests.matching.test_ranking_patterns import JARGON_SATELLITES

API = "/api/v1"
GAP_EN = (
    "the hub is for firms founded at most 10 years ago; firm's founding year not stated: "
    "ask Kakehashi's consultants to add the founding year to the profile, so eligibility can be checked"
)
GAP_JA = (
    "このハブの対象は設立10年以内の企業。貴社の設立年が未記入："
    "対象かどうか確かめられるよう、設立年をプロフィールに加えるよう架け橋のコンサルタントに依頼する"
)


@pytest.fixture
def scheme_and_firms(curated_areas) -> dict[str, Company]:
    """A start-up scheme for firms founded at most 10 years ago, a record with no age rule, and three space firms
    alike but for their founding year: none on record, 2021, 1996."""
    space = curated_areas["space"]
    OpportunityFactory(
        slug="startup-scheme", kind=Opportunity.Kind.HUB, title="Start-up technology proposal scheme",
        summary="Negotiated contracts for start-ups' technical proposals.", max_company_age=10, areas=[space],
    )  # fmt: skip
    OpportunityFactory(
        slug="space-hub", kind=Opportunity.Kind.HUB, title="Space hub", summary="Space.", areas=[space]
    )  # fmt: skip
    firms = {
        name: CompanyFactory(
            slug=name, country="JP", size="startup", founded=founded, description=JARGON_SATELLITES, areas=[space]
        )
        for name, founded in (("unknown", None), ("young", 2021), ("old", 1996))
    }
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    runs.match_run_execute(run_id=run.pk)
    return firms


def _match(firm: Company, slug: str) -> Match:
    return Match.objects.get(company=firm, opportunity__slug=slug)


def test_a_firm_with_no_founding_year_is_told_the_schemes_age_limit_without_being_gated(scheme_and_firms):
    unknown = _match(scheme_and_firms["unknown"], "startup-scheme")
    young = _match(scheme_and_firms["young"], "startup-scheme")

    assert [gap["code"] for gap in unknown.gaps] == ["founded_unknown"]
    assert unknown.gaps[0]["params"] == {"kind": "hub", "max_years": 10}
    assert render(unknown.gaps[0]) == GAP_EN
    # Scored as the young firm is: the gate and the score are unchanged.
    assert unknown.eligible and unknown.score == young.score
    assert young.gaps == []


def test_a_firm_with_a_founding_year_or_a_record_without_an_age_rule_raises_no_such_gap(scheme_and_firms):
    old = _match(scheme_and_firms["old"], "startup-scheme")
    assert [gap["code"] for gap in old.gaps] == ["gate_age"]
    assert _match(scheme_and_firms["unknown"], "space-hub").gaps == []


def test_the_api_gives_the_gap_in_english_and_japanese(client, scheme_and_firms):
    user = UserFactory(username="ursula")
    MembershipFactory(user=user, company=scheme_and_firms["unknown"])
    client.force_login(user)

    for lang, text in (("en", GAP_EN), ("ja", GAP_JA)):
        rows = client.get(f"{API}/companies/unknown/matches/", {"lang": lang}).json()["results"]
        scheme = next(row for row in rows if row["opportunity"]["slug"] == "startup-scheme")
        assert scheme["gaps"] == [text]
        assert scheme["gaps_detail"] == [
            {"code": "founded_unknown", "params": {"kind": "hub", "max_years": 10}, "text": text}
        ]


def test_the_gap_plan_on_my_matches_names_it_in_both_languages(client, scheme_and_firms):
    user = UserFactory(username="ursula")
    MembershipFactory(user=user, company=scheme_and_firms["unknown"])
    client.force_login(user)

    for prefix, lang in (("", "en"), ("/ja", "ja")):
        plan = client.get(f"{prefix}/my/matches/").context["gap_plan"]
        rows = [(item.text, item.action, item.count) for _category, _label, items in plan for item in items]
        what, todo = GAP_EN.split(": ", 1) if lang == "en" else GAP_JA.split("：", 1)
        assert rows == [(what, todo, 1)]
