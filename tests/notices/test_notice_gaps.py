"""A notice bearing on a firm's match shows in that firm's gaps, with a link to the notice (issue #13)."""

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import Match
from matching.selectors import notice_gaps_attach
from notices.models import Notice
from tests.factories import MatchFactory, OpportunityFactory, TechnologyAreaFactory

API = "/api/v1"


@pytest.fixture
def setting(firm_a, firm_b):
    """Firm A (AU, cyber) and firm B (US) both matched to an export programme and a cyber call."""
    cyber = TechnologyAreaFactory(slug="cyber", name="Cyber", name_ja="サイバー")
    firm_a.technology_areas.add(cyber)
    export = OpportunityFactory(slug="export-programme", title="Export programme")
    cyber_call = OpportunityFactory(slug="cyber-call", title="Cyber call", areas=[cyber])
    for firm in (firm_a, firm_b):
        for record in (export, cyber_call):
            MatchFactory(company=firm, opportunity=record, score=60.0)
    rules = Notice.objects.create(
        slug="export-rules",
        title="Export rules revised",
        title_ja="防衛装備移転三原則の運用指針改正",
        summary="The five categories are scrapped.",
        dated_on=datetime.date(2026, 4, 21),
        status=Notice.Status.PUBLISHED,
        countries=["AU"],
    )
    rules.records.add(export)
    return {"export": export, "cyber_call": cyber_call, "cyber": cyber, "rules": rules}


def notice_gaps(client, firm: str, record: str, **params) -> list[dict]:
    rows = client.get(f"{API}/companies/{firm}/matches/", params).json()["results"]
    row = next(r for r in rows if r["opportunity"]["slug"] == record)
    return [gap for gap in row["gaps_detail"] if gap["code"].startswith("notice")]


def test_a_notice_on_the_record_for_the_firms_country_is_a_gap_with_a_link(alice_client, setting):
    gaps = notice_gaps(alice_client, "firm-a", "export-programme")
    assert gaps == [
        {
            "code": "notice",
            "params": {"notice": "export-rules", "date": "2026-04-21"},
            "text": "affected by a rule or policy change of 21 April 2026: “Export rules revised”: "
            "check how the change bears on taking part",
            "notice": {"slug": "export-rules", "url": "http://testserver/api/v1/notices/export-rules/"},
        }
    ]
    rows = alice_client.get(f"{API}/companies/firm-a/matches/").json()["results"]
    export_row = next(r for r in rows if r["opportunity"]["slug"] == "export-programme")
    assert export_row["gaps"][-1] == gaps[0]["text"]
    # The record the notice does not touch has no notice gap.
    assert notice_gaps(alice_client, "firm-a", "cyber-call") == []


def test_a_firm_from_another_country_is_not_told_about_it(bob_client, setting):
    assert notice_gaps(bob_client, "firm-b", "export-programme") == []


def test_the_notice_gap_reads_in_japanese_with_the_notices_japanese_title(alice_client, setting):
    (gap,) = notice_gaps(alice_client, "firm-a", "export-programme", lang="ja")
    assert gap["text"].startswith("2026年4月21日の規則・政策の変更「防衛装備移転三原則の運用指針改正」の影響あり")


def test_a_notice_on_an_area_reaches_the_records_and_firms_of_that_area(alice_client, bob_client, setting):
    due = Notice.objects.create(
        slug="cyber-standard",
        title="Cyber standard revised",
        summary="Due.",
        due_by=datetime.date(2027, 3, 31),
        status=Notice.Status.PUBLISHED,
    )
    due.technology_areas.add(setting["cyber"])
    (gap,) = notice_gaps(alice_client, "firm-a", "cyber-call")
    assert (gap["code"], gap["params"]) == ("notice_due", {"notice": "cyber-standard", "date": "2027-03-31"})
    assert notice_gaps(bob_client, "firm-b", "cyber-call") == []  # firm B declares no cyber
    assert [g["params"]["notice"] for g in notice_gaps(alice_client, "firm-a", "export-programme")] == ["export-rules"]


def test_a_notice_naming_neither_countries_nor_areas_reaches_every_firm_on_its_records(bob_client, setting):
    setting["rules"].countries = []
    setting["rules"].save()
    assert [g["params"]["notice"] for g in notice_gaps(bob_client, "firm-b", "export-programme")] == ["export-rules"]


def test_a_draft_notice_is_never_a_gap(alice_client, setting):
    Notice.objects.filter(slug="export-rules").update(status=Notice.Status.DRAFT)
    assert notice_gaps(alice_client, "firm-a", "export-programme") == []


def test_my_matches_and_the_record_page_show_the_notice_with_its_link(alice_client, setting):
    page = alice_client.get("/my/matches/").content.decode()
    link = '<a href="/opportunities/export-programme/#notice-export-rules">read the notice</a>'
    assert "affected by a rule or policy change of 21 April 2026: “Export rules revised”" in page and link in page
    # The card says "read the notice" once, in its link: "… taking part; read the notice".
    assert f"check how the change bears on taking part; {link}" in page and page.count("read the notice") == 2
    record = alice_client.get("/opportunities/export-programme/").content.decode()
    assert link in record and 'id="notice-export-rules"' in record
    japanese = alice_client.get("/ja/my/matches/").content.decode()
    assert "「防衛装備移転三原則の運用指針改正」の影響あり" in japanese and "通知を読む" in japanese


def test_the_gaps_are_read_for_a_whole_page_at_once(setting, firm_a, django_assert_num_queries):
    matches = list(Match.objects.filter(company=firm_a).select_related("opportunity"))
    # 1 published notices, 2 their records, 3 their areas, 4 the firms' countries, 5 the firms' areas.
    with django_assert_num_queries(5):
        notice_gaps_attach(matches)
    assert {m.opportunity.slug: len(m.notice_gaps) for m in matches} == {"export-programme": 1, "cyber-call": 0}


def test_the_matches_csv_carries_the_notice_gap(alice_client, setting):
    body = alice_client.get("/my/matches/export.csv").content.decode()
    export_line = next(line for line in body.splitlines() if line.startswith("firm-a,export-programme"))
    assert "affected by a rule or policy change of 21 April 2026: “Export rules revised”" in export_line


def test_publishing_a_notice_retires_the_cached_matches_answer(
    alice_client, setting, settings, django_capture_on_commit_callbacks
):
    settings.API_CACHE_SECONDS = 60
    rules = setting["rules"]
    Notice.objects.filter(pk=rules.pk).update(status=Notice.Status.DRAFT)  # a draft from the start (no signal)
    assert notice_gaps(alice_client, "firm-a", "export-programme") == []  # now cached without the notice

    rules.status = Notice.Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        rules.save()
    assert [g["params"]["notice"] for g in notice_gaps(alice_client, "firm-a", "export-programme")] == ["export-rules"]


def plan_of(response) -> dict[str, list]:
    return {category: items for category, _label, items in response.context["gap_plan"]}


def test_the_gap_plan_lists_each_notice_once_with_the_matches_it_bears_on_and_a_link(alice_client, setting, firm_a):
    second_cyber = OpportunityFactory(slug="cyber-call-2", title="Second cyber call", areas=[setting["cyber"]])
    MatchFactory(company=firm_a, opportunity=second_cyber, score=50.0)
    due = Notice.objects.create(
        slug="cyber-standard",
        title="Cyber standard revised",
        summary="Due.",
        due_by=datetime.date(2027, 3, 31),
        status=Notice.Status.PUBLISHED,
    )
    due.technology_areas.add(setting["cyber"])

    response = alice_client.get("/my/matches/")

    rules, standard = sorted(plan_of(response)["notice"], key=lambda item: item.count)
    text = "affected by a rule or policy change of 21 April 2026: “Export rules revised”"
    assert (rules.text, rules.count) == (text, 1)
    assert rules.notice_url == "/opportunities/export-programme/#notice-export-rules"  # linked to the record
    assert (standard.text, standard.count) == (
        "a rule or policy change is due by 31 March 2027: “Cyber standard revised”",
        2,
    )
    assert sorted(m.opportunity.slug for m in standard.matches) == ["cyber-call", "cyber-call-2"]
    assert standard.notice_url == "/notices/cyber-standard/"  # on no record: the notice's own page, not the API
    plan = response.content.decode().split('id="plan-heading"')[1]
    assert "<h3>Rule and policy changes</h3>" in plan
    # The plan's links and each match's gap link read the same, as 通知を読む does in Japanese.
    assert (
        '<a class="gap-notice" href="/opportunities/export-programme/#notice-export-rules">read the notice</a>' in plan
    )
    assert '<a class="gap-notice" href="/notices/cyber-standard/">read the notice</a>' in plan
    assert 'taking part; <a class="gap-notice"' in plan and "read the notice and" not in plan
    assert '<a href="/notices/cyber-standard/">read the notice</a>' in response.content.decode()  # each match's gap
    assert "open the notice" not in response.content.decode()
    assert alice_client.get("/notices/cyber-standard/").status_code == 200
    assert "/ja/notices/cyber-standard/" in alice_client.get("/ja/my/matches/").content.decode()  # in the language


def test_the_gap_plan_leaves_out_notices_that_do_not_bear_on_the_firm(bob_client, setting):
    assert "notice" not in plan_of(bob_client.get("/my/matches/"))  # firm B: US, no cyber


def test_the_gap_plan_names_the_notice_in_japanese(alice_client, setting):
    response = alice_client.get("/ja/my/matches/")

    (item,) = plan_of(response)["notice"]
    assert item.text.startswith("2026年4月21日の規則・政策の変更「防衛装備移転三原則の運用指針改正」の影響あり")
    assert "<h3>制度・方針の変更</h3>" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 20])
def test_my_matches_with_notices_keeps_a_constant_query_count(
    alice_client, setting, firm_a, extra, django_assert_num_queries
):
    for n in range(extra):
        MatchFactory(company=firm_a, opportunity=OpportunityFactory(areas=[setting["cyber"]]), score=float(n))
    # The page's reads (tests/matching/test_my_matches.py; no certification or area names here, as these matches
    # name none) are 11, then notice_gaps_attach's five, made once for the page of matches and the gap plan
    # together, the notices' titles, and the suggested areas' eleven (the firm's four, its dismissed areas, the
    # corpus's six), and when the last run that scored the firm ended and whether one is awaited (matching.freshness,
    # two): 30 however many matches there are.
    with django_assert_num_queries(30):
        alice_client.get("/my/matches/")


def test_a_notice_dated_now_and_due_later_is_told_by_its_due_date_in_the_gap_and_on_its_page(
    alice_client, anon_client, setting
):
    later = timezone.localdate() + datetime.timedelta(days=57)
    Notice.objects.filter(slug="export-rules").update(due_by=later)

    (gap,) = notice_gaps(alice_client, "firm-a", "export-programme")
    assert (gap["code"], gap["params"]["date"]) == ("notice_due", later.isoformat())
    page = anon_client.get("/notices/export-rules/").text
    assert f"21 April 2026; due by {date_format(later, 'DATE_FORMAT')}" in page


def test_a_notice_whose_due_date_has_passed_is_told_by_the_date_of_the_change(alice_client, setting):
    Notice.objects.filter(slug="export-rules").update(due_by=datetime.date(2026, 5, 1))

    (gap,) = notice_gaps(alice_client, "firm-a", "export-programme")
    assert (gap["code"], gap["params"]["date"]) == ("notice", "2026-04-21")
