"""Japanese pages punctuate as Japanese is written: a label takes "：", a list or a run of clauses "、", and an aside
"（）", never the ASCII ": ", "; " or "()" that English pages use around the same translated words."""

import html
import re

import pytest
from django.test import Client

from companies.services import company_update
from notices.models import Notice, NoticeSource
from partners.models import ForeignPartnership, Introduction, PartnerArea
from partners.services import introduction_move, introduction_request
from tests.factories import CertificationFactory, MatchFactory, SourceFactory
from tests.partners.conftest import make_partner
from workspace.services import match_feedback_give, pipeline_entry_save

JAPANESE = (
    "\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e\u3001\u3002\u300c-\u300f"  # kana, kanji, full-width forms, 、。「」『』
)
# ASCII ": ", "; " or ", " straight after a Japanese character (12:30, https://, "Authorization: Bearer" are not),
# half-width parentheses opened or closed against Japanese text, and an English word space before a parenthesis
# that follows Japanese ("防衛省 (Ministry", "英語 （初期設定"), and a space after a Japanese full stop or comma
# before more Japanese ("提案しません。 企業").
HALF_WIDTH = re.compile(
    rf"[{JAPANESE}][:;,](?:\s|$)|\((?=[{JAPANESE}])|(?<=[{JAPANESE}])\)|[{JAPANESE}] [(（]|[。、] (?=[{JAPANESE}])"
)


def visible_text(page: str) -> str:
    """What a reader sees of PAGE, a line per block or cell: no scripts, styles or code; inline tags dropped (so
    "<strong>確度</strong>: 高" reads as written); entities decoded."""
    page = re.sub(r"<(script|style|code|pre|textarea)\b.*?</\1>", "\n", page, flags=re.S | re.I)
    page = re.sub(
        r"</?(?:p|div|li|ul|ol|dt|dd|td|th|tr|h\d|br|option|section|nav|header|footer|label)\b[^>]*>", "\n", page
    )
    page = re.sub(r"<[^>]+>", "", page)
    return "\n".join(line.strip() for line in html.unescape(page).splitlines() if line.strip())


def half_width_punctuation(page: str) -> list[str]:
    """Each line of PAGE's visible text with ASCII punctuation set against Japanese."""
    return [line for line in visible_text(page).splitlines() if HALF_WIDTH.search(line)]


def test_the_check_flags_half_width_punctuation_in_japanese_and_nothing_else():
    assert half_width_punctuation(
        "<p>確度: 高</p><p>変更あり; 認証</p><p>(日本時間)</p><p>防衛省 (Ministry of Defense)</p>"
        "<p>英語 （初期設定）</p><p>プライム（主契約企業）, 東京</p><p>提案しません。 企業のプロフィール</p>"
    ) == [
        "確度: 高",
        "変更あり; 認証",
        "(日本時間)",
        "防衛省 (Ministry of Defense)",
        "英語 （初期設定）",
        "プライム（主契約企業）, 東京",
        "提案しません。 企業のプロフィール",
    ]
    fine = "<p>確度：高、認証（日本時間）</p><p>12:30 開始</p><p>https://example.org/a;b</p><code>締切: x</code>"
    assert half_width_punctuation(fine + "<p>Confidence: high; verified (today)</p><p>GCAP (英国)</p>") == [
        "GCAP (英国)"
    ]


@pytest.fixture
def walked(alice, firm_a, world, alice_matches, areas, certifications, consultant):
    """Firm A with a profile history, a pipeline entry, a declined introduction and a record marked not relevant;
    the laser call with sources and a notice; a Japanese partner with its areas and a foreign partnership."""
    laser = world["laser"]
    company_update(company=firm_a, data={"certifications": certifications[:1]}, by=alice)
    company_update(company=firm_a, data={"description": "Beam directors and lasers."}, by=alice)
    pipeline_entry_save(company=firm_a, opportunity=laser, stage="pursuing", by=alice)
    SourceFactory(opportunity=laser, title="公募要領", confidence="high")
    SourceFactory(opportunity=laser, title="Call notice", confidence="medium")
    MatchFactory(company=firm_a, opportunity=world["event"], score=40.0, gaps=alice_matches["laser"].gaps)
    CertificationFactory(code="iso-9001", name="ISO 9001", name_ja="ISO 9001（品質マネジメント）")
    notice = Notice.objects.create(
        slug="export-rule", title="Export rule", title_ja="輸出規則", summary="A rule.", dated_on=laser.closes_on,
        confidence="medium", status="published",
    )  # fmt: skip
    notice.records.add(laser)
    NoticeSource.objects.create(notice=notice, url="https://meti.example/rule", publisher="経済産業省")
    shipyard = make_partner("shipyard-kk", role="prime", areas={areas["laser"]: 0.8}, name_ja="造船")
    PartnerArea.objects.filter(partner=shipyard).update(weight=0.8)
    ForeignPartnership.objects.create(
        partner=shipyard, counterpart="Navy", country="AU", summary="Frigates.", source_url="https://news.example/f"
    )
    asked = introduction_request(company=firm_a, partner=shipyard, message="Meet us.", by=alice, opportunity=laser)
    introduction_move(introduction=asked, status=Introduction.Status.IN_REVIEW, by=consultant)
    introduction_move(introduction=asked, status=Introduction.Status.DECLINED, reason="時期が合わない", by=consultant)
    match_feedback_give(company=firm_a, opportunity=world["cyber"], reason="too_early", note="対象外", by=alice)
    return {"introduction": asked.pk}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


JAPANESE_PAGES = [
    "/ja/",
    "/ja/my/matches/",
    "/ja/opportunities/",
    "/ja/opportunities/?kind=call&area=directed-energy",
    "/ja/opportunities/laser-call/",
    "/ja/opportunities/dsei-japan/",
    "/ja/companies/firm-a/",
    "/ja/companies/firm-a/edit/",
    "/ja/workspace/firm-a/pipeline/",
    "/ja/workspace/firm-a/pipeline/laser-call/",
    "/ja/partners/",
    "/ja/notices/",
    "/ja/notices/export-rule/",
    "/ja/partners/shipyard-kk/",
    "/ja/my/introductions/",
    "/ja/my/introductions/{introduction}/",
    "/ja/my/briefs/dsei-japan/",
    "/ja/calendar/",
    "/ja/account/",
    "/ja/accounts/password_change/",
    "/ja/account/tokens/",
    "/ja/my/notifications/",
]


# What consultants alone see: the record's history with who and why, and the firms' feedback.
CONSULTANT_PAGES = ["/ja/opportunities/laser-call/", "/ja/consultants/feedback/", "/ja/companies/firm-a/"]


@pytest.mark.parametrize("page", JAPANESE_PAGES)
def test_japanese_pages_use_japanese_punctuation(walked, alice, page):
    response = client_for(alice).get(page.format(**walked))
    assert response.status_code == 200
    assert half_width_punctuation(response.text) == []


@pytest.mark.parametrize("page", CONSULTANT_PAGES)
def test_japanese_pages_use_japanese_punctuation_for_consultants_too(walked, consultant, page):
    response = client_for(consultant).get(page)
    assert response.status_code == 200
    assert half_width_punctuation(response.text) == []


# The admin's confirmation pages of the bulk actions, which ask the consultant why ("変更の理由：").
ADMIN_ACTIONS = ["archive", "mark_verified", "publish"]


@pytest.mark.parametrize("action", ADMIN_ACTIONS)
def test_japanese_admin_confirmation_pages_use_japanese_punctuation(walked, world, consultant, action):
    laser = world["laser"]
    laser.last_verified_on = laser.closes_on
    laser.save(update_fields=["last_verified_on"])
    data = {"action": action, "_selected_action": [laser.pk]}

    response = client_for(consultant).post("/ja/admin/programmes/opportunity/", data)

    assert response.status_code == 200
    assert half_width_punctuation(response.text) == []
    assert "変更の理由：" in response.text
