"""Reasons, gaps and the gap plan read Japanese on /ja/my/matches/ in a real browser, and English without /ja/."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import (
    LASER_CALL_COMPONENTS,
    CallFactory,
    CertificationFactory,
    CompanyFactory,
    MatchFactory,
    MembershipFactory,
    TechnologyAreaFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice_with_explained_matches():
    area = TechnologyAreaFactory(slug="directed-energy", name="Directed energy", name_ja="指向性エネルギー")
    CertificationFactory(code="as9100d", name="AS9100D (aviation, space and defence quality management)")
    CertificationFactory(code="jis-q-9100", name="JIS Q 9100")
    laser = CallFactory(
        slug="laser-call",
        title="High-power laser call",
        title_ja="高出力レーザー公募",
        summary="Beam directors and high-power laser weapons.",
        closes_on=timezone.localdate() + datetime.timedelta(days=12),
        areas=[area],
    )
    firm = CompanyFactory(slug="firm-a", name="Firm A", description="Beam directors for counter-drone lasers.")
    alice = UserFactory(username="alice")
    MembershipFactory(user=alice, company=firm)
    MatchFactory(
        company=firm,
        opportunity=laser,
        score=81.5,
        components=LASER_CALL_COMPONENTS,
        reasons=[
            {"code": "ticked", "params": {"area": "directed-energy"}},
            {"code": "keywords", "params": {"area": "directed-energy", "terms": ["beam director", "adaptive optics"]}},
        ],
        gaps=[
            {"code": "certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}},
            {"code": "trl_below", "params": {"trl": 5, "min_trl": 7}},
            {"code": "partner_needed", "params": {}},
        ],
    )
    return alice


def _sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as alice")).to_be_visible()


def test_japanese_my_matches_shows_japanese_reasons_gaps_and_gap_plan(page, alice_with_explained_matches):
    _sign_in(page)
    page.goto("/ja/my/matches/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    card = page.locator("article.match-card").first
    expect(card.get_by_role("heading", level=3)).to_have_text("高出力レーザー公募")
    expect(card.locator("ul.reasons li")).to_have_text(
        [
            "指向性エネルギーを自社の技術分野として登録",
            "指向性エネルギー：会社説明に「beam director」、「adaptive optics」に当たる記述あり",
        ]
    )
    expect(card.locator("ul.gaps li")).to_have_text(
        [
            "AS9100DまたはJIS Q 9100の認証なし：AS9100DまたはJIS Q 9100を取得する",
            "TRL 5は最低要件のTRL 7に届かない：まず製品をTRL 7まで成熟させる",
            "日本のパートナーまたは法人が必要：申請前に日本のパートナー企業を見つける",
        ]
    )
    expect(card).not_to_contain_text("directed-energy")
    expect(page.get_by_role("cell", name="TRL 7 に到達する")).to_be_visible()
    expect(page.get_by_role("cell", name="申請前に日本のパートナー企業を見つける")).to_be_visible()


def test_the_same_matches_read_english_without_the_prefix(page, alice_with_explained_matches):
    _sign_in(page)
    page.goto("/my/matches/")
    card = page.locator("article.match-card").first
    expect(card.locator("ul.reasons li").first).to_have_text("declares Directed energy")
    expect(card.locator("ul.gaps li").nth(1)).to_have_text(
        "TRL 5 is below the minimum TRL 7: mature the product to TRL 7 first"
    )
    expect(page.get_by_role("cell", name="Obtain AS9100D or JIS Q 9100")).to_be_visible()
