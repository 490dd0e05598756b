"""Curated records over the API: opportunities, technology areas, organisations and certifications."""

import datetime

import pytest

from programmes.models import Opportunity
from tests.api.conftest import assert_golden
from tests.factories import CertificationFactory, OpportunityFactory, OrganisationFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def slugs(response) -> list[str]:
    return [row.get("slug") or row.get("code") for row in response.json()["results"]]


def test_anonymous_lists_published_opportunities_soonest_deadline_first(anon_client, records):
    response = anon_client.get(f"{API}/opportunities/")
    assert response.status_code == 200
    assert_golden(response, "opportunities-list")
    assert slugs(response) == ["closed-space-call", "atla-uav-call", "dsei-japan-2099"]


def test_anonymous_reads_a_published_opportunity(anon_client, records):
    response = anon_client.get(f"{API}/opportunities/atla-uav-call/")
    assert response.status_code == 200
    assert_golden(response, "opportunities-detail")


def test_an_opportunitys_eligibility_names_the_firm_age_limit_and_japanese_entity_rule(anon_client):
    OpportunityFactory(slug="startup-hub", max_company_age=5, japanese_entity=True)
    OpportunityFactory(slug="open-programme")

    startup = anon_client.get(f"{API}/opportunities/startup-hub/").json()["eligibility"]
    open_to_all = anon_client.get(f"{API}/opportunities/open-programme/").json()["eligibility"]
    schema = anon_client.get(f"{API}/schema/?format=json").json()["components"]["schemas"]["Eligibility"]

    assert (startup["max_company_age"], startup["japanese_entity"]) == (5, True)
    assert (open_to_all["max_company_age"], open_to_all["japanese_entity"]) == (None, False)
    assert {"max_company_age", "japanese_entity"} <= set(schema["properties"])


def test_anonymous_gets_404_for_a_draft(anon_client, alice_client, records):
    assert anon_client.get(f"{API}/opportunities/gcap-draft/").status_code == 404
    assert alice_client.get(f"{API}/opportunities/gcap-draft/").status_code == 404


def test_consultant_sees_drafts_and_archived_records(consultant_client, records):
    response = consultant_client.get(f"{API}/opportunities/?ordering=title")
    assert slugs(response) == ["closed-space-call", "dsei-japan-2099", "gcap-draft", "old-hub", "atla-uav-call"]
    assert consultant_client.get(f"{API}/opportunities/gcap-draft/").json()["status"] == "draft"


def test_technology_areas_list_and_detail(anon_client, records):
    response = anon_client.get(f"{API}/technology-areas/")
    assert_golden(response, "technology-areas-list")
    assert slugs(response) == ["cyber", "space", "uav"]
    assert_golden(anon_client.get(f"{API}/technology-areas/uav/"), "technology-areas-detail")


def test_organisations_list_and_detail(anon_client, records):
    response = anon_client.get(f"{API}/organisations/")
    assert_golden(response, "organisations-list")
    assert slugs(response) == ["atla", "meti"]
    assert_golden(anon_client.get(f"{API}/organisations/atla/"), "organisations-detail")


def test_certifications_list_and_detail_by_code(anon_client, records):
    response = anon_client.get(f"{API}/certifications/")
    assert_golden(response, "certifications-list")
    assert slugs(response) == ["as9100d", "iso-27001", "jis-q-9100"]
    detail = anon_client.get(records["as9100"].get_absolute_url())
    assert_golden(detail, "certifications-detail")
    assert detail.json()["equivalents"] == ["jis-q-9100"]


def test_areas_certifications_and_organisations_give_the_reading_of_their_japanese_names(anon_client, records):
    OrganisationFactory(
        slug="jasdf", name="Japan Air Self-Defense Force", name_ja="航空自衛隊", name_kana="こうくうじえいたい"
    )
    TechnologyAreaFactory(slug="semiconductors", name="Semiconductors", name_ja="半導体", name_kana="はんどうたい")
    CertificationFactory(
        code="unified",
        name="Unified qualification",
        name_ja="全省庁統一資格",
        name_kana="ぜんしょうちょうとういつしかく",
    )

    area = anon_client.get(f"{API}/technology-areas/semiconductors/").json()
    certification = anon_client.get(f"{API}/certifications/unified/").json()

    # As partners give it: the Japanese name and its reading in hiragana.
    assert (area["name_ja"], area["name_kana"]) == ("半導体", "はんどうたい")
    assert (certification["name_ja"], certification["name_kana"]) == (
        "全省庁統一資格",
        "ぜんしょうちょうとういつしかく",
    )
    organisation = anon_client.get(f"{API}/organisations/jasdf/").json()
    assert (organisation["name_ja"], organisation["name_kana"]) == ("航空自衛隊", "こうくうじえいたい")
    listed = {row["slug"]: row["name_kana"] for row in anon_client.get(f"{API}/technology-areas/").json()["results"]}
    assert listed == {"cyber": "", "semiconductors": "はんどうたい", "space": "", "uav": ""}
    assert "ぜんしょうちょうとういつしかく" in [
        row["name_kana"] for row in anon_client.get(f"{API}/certifications/").json()["results"]
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=event", ["dsei-japan-2099"]),
        ("kind=event&kind=call", ["closed-space-call", "atla-uav-call", "dsei-japan-2099"]),
        ("technology_area=space", ["closed-space-call", "atla-uav-call"]),
        ("technology_area=cyber&technology_area=uav", ["atla-uav-call", "dsei-japan-2099"]),
        ("organisation=meti", ["dsei-japan-2099"]),
        ("open=true", ["dsei-japan-2099"]),  # the UAV call opens in 2099: upcoming, not open now
        ("open=false", ["closed-space-call"]),
        ("closes_before=2099-04-01", ["closed-space-call", "atla-uav-call"]),
        ("closes_after=2099-04-01", ["dsei-japan-2099"]),
        ("eligible_country=AU", ["atla-uav-call", "dsei-japan-2099"]),
        ("eligible_country=JP", ["closed-space-call", "dsei-japan-2099"]),
        ("q=autonomy", ["atla-uav-call"]),
        ("q=swarm", ["atla-uav-call"]),
        ("q=aerial", ["atla-uav-call"]),
        ("q=makuhari", []),
        ("ordering=-deadline", ["dsei-japan-2099", "atla-uav-call", "closed-space-call"]),
        ("ordering=title", ["closed-space-call", "dsei-japan-2099", "atla-uav-call"]),
    ],
)
def test_each_opportunity_filter(anon_client, records, query, expected):
    response = anon_client.get(f"{API}/opportunities/?{query}")
    assert response.status_code == 200
    assert slugs(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=unknown", "kind"),
        ("technology_area=no-such-area", "technology_area"),
        ("organisation=nobody", "organisation"),
        ("closes_before=tomorrow", "closes_before"),
        ("closes_after=2099-13-01", "closes_after"),
        ("eligible_country=XX", "eligible_country"),
        ("ordering=random", "ordering"),
    ],
)
def test_a_bad_opportunity_filter_is_a_400_naming_the_field(anon_client, records, query, field):
    response = anon_client.get(f"{API}/opportunities/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_opportunity_detail_carries_an_etag_and_no_last_modified(anon_client, records):
    response = anon_client.get(f"{API}/opportunities/atla-uav-call/")
    assert response["ETag"].startswith('"')
    assert "Last-Modified" not in response  # its sources and organisations carry no date of their own


def test_conditional_get_of_an_unchanged_opportunity_is_304(anon_client, records):
    url = f"{API}/opportunities/atla-uav-call/"
    first = anon_client.get(url)
    by_etag = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304
    assert by_etag.content == b""


@pytest.mark.parametrize("edit", ["source", "organisation"])
def test_a_client_polling_by_date_sees_a_renamed_source_or_organisation(anon_client, records, edit):
    url = f"{API}/opportunities/atla-uav-call/"
    first = anon_client.get(url)
    if edit == "source":
        source = records["call"].sources.get()
        source.title = "Local page renamed"
        source.save()
    else:
        records["call"].organisations.update(name="ATLA, renamed")
    since = "Fri, 31 Dec 2100 00:00:00 GMT"  # any date a Last-Modified could have given the client
    again = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"], HTTP_IF_MODIFIED_SINCE=since)
    by_date = anon_client.get(url, HTTP_IF_MODIFIED_SINCE=since)
    assert (again.status_code, by_date.status_code) == (200, 200)
    assert again["ETag"] != first["ETag"]


def test_a_changed_opportunity_answers_200_with_a_new_etag(anon_client, records):
    url = f"{API}/opportunities/atla-uav-call/"
    first = anon_client.get(url)
    records["call"].title = "UAV autonomy call, second round"
    records["call"].save()
    again = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again.json()["title"] == "UAV autonomy call, second round"


def test_reference_details_carry_an_etag(anon_client, records):
    response = anon_client.get(f"{API}/technology-areas/uav/")
    assert anon_client.get(f"{API}/technology-areas/uav/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


# --- the reader's language (issue #13) ---------------------------------------------------------------------


@pytest.fixture
def uav_in_japanese(records):
    uav = Opportunity.objects.get(slug="atla-uav-call")
    uav.title_ja, uav.summary_ja = "UAV自律化の公募", "UAVの自律化技術の提案を募集する。"
    uav.save()
    return uav


def test_accept_language_ja_gives_japanese_title_and_summary(anon_client, uav_in_japanese):
    response = anon_client.get(f"{API}/opportunities/atla-uav-call/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json()["localised"] == {
        "lang": "ja",
        "title": "UAV自律化の公募",
        "title_lang": "ja",
        "summary": "UAVの自律化技術の提案を募集する。",
        "summary_lang": "ja",
        "venue": "",
        "venue_lang": "en",
        "expected_basis": "",
        "expected_basis_lang": "en",
    }
    assert response["Content-Language"] == "ja" and "Accept-Language" in response["Vary"]
    # The stored fields stay as they are: clients that read title/title_ja see no change.
    assert response.json()["title"] == "UAV autonomy call"


def test_a_record_without_japanese_text_falls_back_to_english_marked_en(anon_client, uav_in_japanese):
    rows = anon_client.get(f"{API}/opportunities/", {"lang": "ja"}).json()["results"]
    dsei = next(row for row in rows if row["slug"] == "dsei-japan-2099")
    assert dsei["localised"]["lang"] == "ja"
    assert (dsei["localised"]["title"], dsei["localised"]["title_lang"]) == ("DSEI Japan 2099", "en")
    assert dsei["localised"]["summary_lang"] == "en"


def test_a_japanese_reader_gets_the_japanese_venue_and_expected_basis(anon_client, records):
    Opportunity.objects.filter(slug="dsei-japan-2099").update(venue_ja="幕張メッセ（千葉）")
    OpportunityFactory(
        slug="indo-pacific-2099",
        kind=Opportunity.Kind.EVENT,
        venue="Sydney (expected)",
        venue_ja="シドニー（見込み）",
        expected_from=datetime.date(2099, 11, 1),
        expected_until=datetime.date(2099, 11, 30),
        expected_basis="from the 2095 and 2097 editions",
        expected_basis_ja="2095年と2097年の開催から",
    )
    url = f"{API}/opportunities/indo-pacific-2099/"

    japanese = anon_client.get(url, {"lang": "ja"}).json()
    english = anon_client.get(url).json()
    listed = anon_client.get(f"{API}/opportunities/", HTTP_ACCEPT_LANGUAGE="ja").json()["results"]
    dsei = next(row for row in listed if row["slug"] == "dsei-japan-2099")

    assert japanese["localised"] | {"title": "", "summary": ""} == {
        "lang": "ja", "title": "", "title_lang": "en", "summary": "", "summary_lang": "en",
        "venue": "シドニー（見込み）", "venue_lang": "ja",
        "expected_basis": "2095年と2097年の開催から", "expected_basis_lang": "ja",
    }  # fmt: skip
    assert (english["localised"]["venue"], english["localised"]["expected_basis"]) == (
        "Sydney (expected)",
        "from the 2095 and 2097 editions",
    )
    # The stored words stay side by side in `dates`, whatever the language: v1's `venue` is unchanged.
    assert {key: english["dates"][key] for key in ("venue", "venue_ja", "expected_basis", "expected_basis_ja")} == {
        "venue": "Sydney (expected)",
        "venue_ja": "シドニー（見込み）",
        "expected_basis": "from the 2095 and 2097 editions",
        "expected_basis_ja": "2095年と2097年の開催から",
    }
    assert (dsei["localised"]["venue"], dsei["localised"]["venue_lang"]) == ("幕張メッセ（千葉）", "ja")


def test_lang_overrides_the_header_and_english_is_the_default(anon_client, uav_in_japanese):
    url = f"{API}/opportunities/atla-uav-call/"
    assert anon_client.get(url).json()["localised"]["title"] == "UAV autonomy call"
    english = anon_client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ja").json()["localised"]
    assert (english["lang"], english["title"], english["title_lang"]) == ("en", "UAV autonomy call", "en")


@pytest.mark.parametrize("lang", ["JA", "Ja"])
def test_lang_in_capitals_is_read_like_lang_in_lower_case(anon_client, uav_in_japanese, lang):
    response = anon_client.get(f"{API}/opportunities/atla-uav-call/", {"lang": lang})

    assert response.status_code == 200
    localised = response.json()["localised"]
    assert (localised["lang"], localised["title"], localised["title_lang"]) == ("ja", "UAV自律化の公募", "ja")
    assert response["Content-Language"] == "ja"


def test_an_unknown_lang_on_records_is_a_400_naming_it(anon_client, records):
    response = anon_client.get(f"{API}/opportunities/", {"lang": "fr"})
    assert response.status_code == 400
    assert response.json() == {"lang": ["Choose one of: en, ja."]}


def test_the_etag_differs_between_languages(anon_client, uav_in_japanese):
    url = f"{API}/opportunities/atla-uav-call/"
    english = anon_client.get(url)["ETag"]
    japanese = anon_client.get(url, HTTP_ACCEPT_LANGUAGE="ja")["ETag"]
    assert english != japanese
    # An English ETag does not make a Japanese reader's request a 304.
    assert anon_client.get(url, HTTP_ACCEPT_LANGUAGE="ja", HTTP_IF_NONE_MATCH=english).status_code == 200


def test_a_cached_records_answer_is_never_served_in_the_other_language(anon_client, uav_in_japanese, settings):
    settings.API_CACHE_SECONDS = 60
    url = f"{API}/opportunities/"
    first = anon_client.get(url, HTTP_ACCEPT_LANGUAGE="ja").json()["results"]
    then = anon_client.get(url).json()["results"]
    uav_ja = next(row for row in first if row["slug"] == "atla-uav-call")["localised"]["title"]
    uav_en = next(row for row in then if row["slug"] == "atla-uav-call")["localised"]["title"]
    assert (uav_ja, uav_en) == ("UAV自律化の公募", "UAV autonomy call")
