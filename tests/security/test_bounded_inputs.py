"""Finding 3 of issue 17: list fields, request bodies and form counts are bounded, and errors name the field."""

import json

import pytest

from tests.factories import CertificationFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db

FIRM = "/api/v1/companies/firm-a/"


@pytest.fixture
def areas(db):
    return [TechnologyAreaFactory(slug=f"area-{n}") for n in range(3)]


def patch(client, body):
    return client.patch(FIRM, body, content_type="application/json")


def test_a_list_longer_than_the_areas_there_are_is_refused_in_two_queries(
    alice_client, firm_a, areas, django_assert_max_num_queries
):
    slugs = [f"made-up-{n}" for n in range(20_000)]

    with django_assert_max_num_queries(12):  # session, user, firm, membership checks, and one count of the areas
        response = patch(alice_client, {"technology_areas": slugs})

    assert response.status_code == 400
    assert response.json() == {"technology_areas": ["At most 3 items: there are only 3."]}


def test_repeated_areas_count_once_and_resolve_in_one_query(alice_client, firm_a, areas):
    response = patch(alice_client, {"technology_areas": ["area-1", "area-0", "area-1"] * 1000})

    assert response.status_code == 200
    assert response.json()["technology_areas"] == ["area-0", "area-1"]
    assert sorted(firm_a.technology_areas.values_list("slug", flat=True)) == ["area-0", "area-1"]


def test_unknown_areas_are_named(alice_client, firm_a, areas):
    response = patch(alice_client, {"technology_areas": ["area-0", "lasers"]})

    assert response.status_code == 400
    assert response.json() == {"technology_areas": ["Unknown: lasers."]}


def test_an_area_with_a_nul_byte_is_a_400_not_a_server_error(alice_client, firm_a, areas):
    """PostgreSQL refuses NUL in a query (found by schemathesis)."""
    response = patch(alice_client, {"technology_areas": ["area-0", "la\x00sers"]})

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert sorted(firm_a.technology_areas.values_list("slug", flat=True)) == []


def test_a_nul_byte_anywhere_in_a_json_body_is_a_400(alice_client, firm_a, areas):
    """Nested certificate codes are looked up before any CharField sees them (found by schemathesis)."""
    response = patch(alice_client, {"certifications": [{"code": "as9100d\x00"}]})

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_body_that_is_not_json_says_where_in_the_readers_language(alice_client, firm_a):
    trl = firm_a.trl
    english = alice_client.patch(FIRM, '{"trl": 5,\n "website" https://x}', content_type="application/json")
    japanese = alice_client.patch(
        FIRM, '{"trl": 5,\n "website" https://x}', content_type="application/json", headers={"Accept-Language": "ja"}
    )
    not_utf8 = alice_client.patch(FIRM, b'{"trl": "\xff"}', content_type="application/json")

    assert english.status_code == japanese.status_code == not_utf8.status_code == 400
    assert english.json() == {"detail": "The body is not valid JSON: line 2, column 12: Expecting ':' delimiter."}
    assert japanese.json() == {
        "detail": "本文が正しい JSON ではありません（2 行目 12 文字目：Expecting ':' delimiter）。"
    }
    assert not_utf8.json() == {"detail": "The body is not valid JSON: it is not UTF-8 text."}
    firm_a.refresh_from_db()
    assert firm_a.trl == trl


def test_areas_must_be_a_list_of_strings(alice_client, firm_a, areas):
    response = patch(alice_client, {"technology_areas": [{"slug": "area-0"}]})

    assert response.status_code == 400
    assert response.json() == {"technology_areas": ["Expected a list of strings."]}


def test_more_than_thirty_certifications_are_refused_before_any_is_looked_up(alice_client, firm_a):
    cert = CertificationFactory(code="as9100d")

    response = patch(alice_client, {"certifications": [{"code": cert.code}] * 31})

    assert response.status_code == 400
    assert response.json() == {"certifications": ["Ensure this field has no more than 30 elements."]}


def test_a_json_body_over_the_limit_answers_413(alice_client, firm_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"description": "x" * 20_000})

    response = alice_client.generic("PATCH", FIRM, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 10000 bytes."}
    firm_a.refresh_from_db()
    assert firm_a.description != "x" * 20_000


def test_a_forged_form_count_is_refused_without_building_a_thousand_forms(alice_client, firm_a):
    response = alice_client.post(
        "/companies/firm-a/edit/",
        {
            "description": "Lidar",
            "japan_presence": "none",
            "certifications-TOTAL_FORMS": "1000",
            "certifications-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert "Please submit at most 30 forms." in response.content.decode()
