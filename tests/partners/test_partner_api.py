"""/api/v1/partners/ lists and shows partners; role, area and q filter through the one PartnerFilterSet."""

import pytest

from tests.api.conftest import assert_golden
from tests.partners.conftest import make_partner


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


def test_anyone_lists_partners_by_name(anon_client, partners):
    response = anon_client.get("/api/v1/partners/")

    assert response.status_code == 200
    assert slugs(response) == ["drone-startup", "it-prime", "shipyard-kk"]
    assert_golden(response, "partners-list")


def test_a_partner_shows_sources_and_foreign_partnerships(anon_client, partners):
    response = anon_client.get("/api/v1/partners/shipyard-kk/")

    assert response.status_code == 200
    body = response.json()
    assert body["foreign_partnerships"][0]["counterpart"] == "Navy of Somewhere"
    assert body["sources"][0]["url"] == "https://news.example/shipyard-kk"
    assert_golden(response, "partners-detail")


def test_an_unknown_partner_is_404(anon_client, partners):
    assert anon_client.get("/api/v1/partners/no-such-partner/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=startup", ["drone-startup"]),
        ("role=prime", ["it-prime", "shipyard-kk"]),
        ("area=cyber", ["it-prime"]),
        ("area=usv&area=uav", ["drone-startup", "shipyard-kk"]),
        ("q=surveillance", ["drone-startup"]),
        ("q=造船", ["shipyard-kk"]),
        ("q=Yokohama", ["shipyard-kk"]),
    ],
)
def test_filters_narrow_the_list(anon_client, partners, query, expected):
    response = anon_client.get(f"/api/v1/partners/?{query}")

    assert response.status_code == 200
    assert slugs(response) == expected


def test_a_bad_filter_is_a_400_naming_it(anon_client, partners):
    role = anon_client.get("/api/v1/partners/?role=emperor")
    area = anon_client.get("/api/v1/partners/?area=no-such-area")

    assert role.status_code == area.status_code == 400
    assert set(role.json()) == {"role"}
    assert set(area.json()) == {"area"}


def test_the_partner_pages_show_the_same_filter_in_both_languages(anon_client, partners):
    english = anon_client.get("/partners/?role=prime")
    japanese = anon_client.get("/ja/partners/shipyard-kk/")

    assert english.status_code == japanese.status_code == 200
    text = english.content.decode()
    assert "It Prime" in text and "Shipyard Kk" in text and "Drone Startup" not in text
    assert "造船" in japanese.content.decode() and "Navy of Somewhere" in japanese.content.decode()


def test_the_search_finds_an_acronym_as_a_word_not_inside_others(anon_client, partners, areas):
    make_partner("ai-house", role="startup", areas={}, capabilities="AI targeting for counter-drone systems.")
    make_partner("air-works", role="startup", areas={}, capabilities="Airframes and air defence radars.")

    assert slugs(anon_client.get("/api/v1/partners/?q=AI")) == ["ai-house"]
    assert slugs(anon_client.get("/api/v1/partners/?q=air")) == ["air-works"]


def test_a_partners_draft_programme_is_not_shown_to_the_public(anon_client, alice_client, partners):
    from partners.models import Partner
    from tests.factories import OpportunityFactory

    shipyard = Partner.objects.get(slug="shipyard-kk")
    shipyard.programmes.add(
        OpportunityFactory(slug="gcap-shipyard", title="GCAP shipyard work", status="published"),
        OpportunityFactory(slug="secret-frigate-2027", title="Secret frigate call 2027", status="draft"),
    )

    for client in (anon_client, alice_client):
        api = client.get("/api/v1/partners/shipyard-kk/")
        page = client.get("/partners/shipyard-kk/")

        assert api.json()["programmes"] == ["gcap-shipyard"]
        assert "GCAP shipyard work" in page.content.decode()
        assert "secret-frigate-2027" not in api.content.decode() + page.content.decode()
        assert "Secret frigate call 2027" not in page.content.decode()


def test_a_client_polling_a_partner_by_etag_gets_304_until_it_changes(anon_client, partners):
    url = "/api/v1/partners/shipyard-kk/"
    first = anon_client.get(url)
    unchanged = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    partners["shipyard"].foreign_partnerships.update(summary="Frigates and patrol boats.")
    changed = anon_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert changed.json()["foreign_partnerships"][0]["summary"] == "Frigates and patrol boats."


def test_a_search_for_partners_with_no_word_finds_none_and_the_listing_says_why(anon_client, partners):
    api = anon_client.get("/api/v1/partners/", {"q": "["})
    page = anon_client.get("/partners/", {"q": "["}).content.decode()

    assert api.json()["count"] == 0  # every partner was listed, as if nothing had been typed
    assert "The search “[” has no letter or digit, so it has no word to find: type a word." in page
    assert slugs(anon_client.get("/api/v1/partners/", {"q": ""})) == ["drone-startup", "it-prime", "shipyard-kk"]
