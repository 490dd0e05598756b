"""The notices listing (/notices/, /ja/notices/): published notices, newest first, filtered with the API's FilterSet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Notice, NoticeSource
from tests.factories import OpportunityFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db


def notice(slug: str, *, day: str | None = "2026-04-21", status: str = "published", **fields) -> Notice:
    made = Notice.objects.create(
        slug=slug,
        title=fields.pop("title", slug.replace("-", " ").capitalize()),
        summary=fields.pop("summary", f"What changed in {slug}."),
        dated_on=datetime.date.fromisoformat(day) if day else None,
        status=status,
        **fields,
    )
    NoticeSource.objects.create(notice=made, url=f"https://gov.example/{slug}", publisher="METI")
    return made


def slugs(response) -> list[str]:
    return [n.slug for n in response.context["notices"]]


def test_the_listing_shows_published_notices_newest_first_with_links_to_their_pages(anon_client):
    notice("older-rule", day="2025-06-01", title="Older rule")
    notice("export-rule", day="2026-04-21", title="Export rules revised", countries=["AU", "US"])
    notice("announced", day=None, due_by=datetime.date(2026, 12, 31), title="Strategy revision announced")
    notice("secret-draft", title="Unannounced draft rule", status="draft")

    response = anon_client.get("/notices/")

    assert response.status_code == 200
    assert slugs(response) == ["export-rule", "older-rule", "announced"]  # as the API orders them
    page = response.text
    assert "<h1>Rule and policy changes</h1>" in page and "3 notices" in page
    assert '<a href="/notices/export-rule/">Export rules revised</a>' in page
    assert "Australia, United States" in page and "due by 31 December 2026" in page
    assert "Unannounced draft rule" not in page and "secret-draft" not in page


def test_a_draft_notice_is_not_listed_and_its_page_is_a_404_even_to_a_signed_in_firm(alice_client, anon_client):
    notice("secret-draft", title="Unannounced draft rule", status="draft")

    for client in (anon_client, alice_client):
        assert "Unannounced draft rule" not in client.get("/notices/").text
        assert client.get("/notices/secret-draft/").status_code == 404


def test_the_listing_filters_by_country_area_and_record_as_the_api_does(anon_client):
    lasers = TechnologyAreaFactory(slug="directed-energy", name="Directed energy")
    call = OpportunityFactory(slug="laser-call", title="Laser call")
    everyone = notice("applies-to-all", day="2026-01-01")
    for_us = notice("us-only", day="2026-02-01", countries=["US"])
    for_lasers = notice("laser-rule", day="2026-03-01", countries=["GB"])
    for_lasers.technology_areas.add(lasers)
    for_lasers.records.add(call)

    cases = {"country=AU": ["applies-to-all"], "country=us": ["us-only", "applies-to-all"]}
    # A notice naming no area applies to any area, as one naming no country applies to every country.
    cases |= {"area=directed-energy": ["laser-rule", "us-only", "applies-to-all"], "record=laser-call": ["laser-rule"]}
    for query, expected in cases.items():
        page = anon_client.get(f"/notices/?{query}")
        api = anon_client.get(f"/api/v1/notices/?{query}").json()["results"]
        assert slugs(page) == [row["slug"] for row in api] == expected, query
    assert everyone.pk and for_us.pk


def test_the_area_filter_keeps_notices_for_any_area_in_english_and_japanese_and_the_api(anon_client):
    lasers = TechnologyAreaFactory(slug="directed-energy", name="Directed energy")
    cyber = TechnologyAreaFactory(slug="cyber", name="Cyber")
    notice("any-area", day="2026-01-01", title="Export rule for every field")
    notice("cyber-only", day="2026-02-01").technology_areas.add(cyber)
    notice("lasers-and-cyber", day="2026-03-01").technology_areas.add(lasers, cyber)

    for path in ("/notices/", "/ja/notices/"):
        response = anon_client.get(path, {"area": "directed-energy"})
        assert slugs(response) == ["lasers-and-cyber", "any-area"], path
    assert "2 notices" in anon_client.get("/notices/", {"area": "directed-energy"}).text
    api = anon_client.get("/api/v1/notices/", {"area": "cyber"}).json()
    assert [row["slug"] for row in api["results"]] == ["lasers-and-cyber", "cyber-only", "any-area"]
    assert api["count"] == 3  # each notice once, though it names two areas


def test_a_filter_value_the_page_cannot_read_is_named_beside_its_field_and_the_others_apply(anon_client):
    notice("us-only", countries=["US"])
    notice("gb-only", countries=["GB"])

    response = anon_client.get("/notices/?country=US&area=warp-drive")

    assert response.status_code == 200
    assert slugs(response) == ["us-only"]
    assert "Select a valid choice" in response.text


def test_the_record_filter_offers_only_records_the_reader_may_open(anon_client, consultant_client):
    shown = OpportunityFactory(slug="open-programme", title="Open programme")
    draft = OpportunityFactory(slug="secret-programme", title="Unannounced programme", status="draft")
    notice("rule", day="2026-01-01").records.add(shown, draft)

    anon = anon_client.get("/notices/")
    consultant = consultant_client.get("/notices/")

    assert "Open programme" in anon.text
    assert "Unannounced programme" not in anon.text and "secret-programme" not in anon.text
    assert "Unannounced programme" in consultant.text  # consultants see drafts everywhere
    assert slugs(anon_client.get("/notices/?record=secret-programme")) == ["rule"]  # refused, so not applied


def test_the_listing_is_paged_twenty_at_a_time_and_forgives_a_wrong_page(anon_client):
    for i in range(25):
        notice(f"rule-{i:02}", day=f"2026-01-{i + 1:02}")

    first = anon_client.get("/notices/")
    last = anon_client.get("/notices/?page=last")

    assert len(slugs(first)) == 20 and slugs(first)[0] == "rule-24"
    assert "Page 1 of 2" in first.text and 'href="?page=2"' in first.text
    assert slugs(last) == ["rule-04", "rule-03", "rule-02", "rule-01", "rule-00"]
    assert slugs(anon_client.get("/notices/?page=9")) == slugs(last)


def test_the_listing_reads_japanese_under_ja(anon_client):
    notice("export-rule", title="Export rules revised", title_ja="輸出規則の改正", summary_ja="五類型の撤廃。")
    notice("untranslated", day="2025-01-01", title="Untranslated rule")

    page = anon_client.get("/ja/notices/").text

    assert "<h1>制度・方針の変更</h1>" in page and "3件のお知らせ" not in page and "2件のお知らせ" in page
    assert '<a href="/ja/notices/export-rule/">輸出規則の改正</a>' in page and "五類型の撤廃。" in page
    assert '<a href="/ja/notices/untranslated/" lang="en">Untranslated rule</a>' in page
    assert "対象企業の国：すべての国" in page and '<option value="" selected>すべての分野</option>' in page


def test_home_and_each_notices_page_link_to_the_listing(anon_client):
    notice("export-rule", title="Export rules revised")

    for url in ("/", "/notices/export-rule/"):
        assert '<a href="/notices/">All rule and policy changes</a>' in anon_client.get(url).text
    assert '<a href="/ja/notices/">' in anon_client.get("/ja/notices/export-rule/").text


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_listing_runs_the_same_queries_at_2_and_20_notices(anon_client):
    area = TechnologyAreaFactory(slug="cyber")
    record = OpportunityFactory(slug="cyber-call")

    def add(n: int, prefix: str) -> None:
        for i in range(n):
            made = notice(f"{prefix}-{i}", countries=["AU"])
            made.technology_areas.add(area)
            made.records.add(record)

    add(2, "first")
    # the count; the page of notices; their sources, records and areas (three prefetches); the area and record
    # choices of the filter form (one each)
    assert _queries(anon_client, "/notices/") == 7
    add(18, "more")
    assert _queries(anon_client, "/notices/") == 7
