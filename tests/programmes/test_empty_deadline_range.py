"""A deadline range whose start is after its end holds no day: the listing says so beside the field, in English and
Japanese, instead of silently listing nothing; the CSV and the API refuse it naming `closes_before`."""

import pytest

pytestmark = pytest.mark.django_db

EMPTY = {"closes_after": "2028-01-01", "closes_before": "2027-01-01"}
WHY = "The range is empty: this date is before the “Deadline on or after” date. Swap or clear one."


def test_the_listing_says_the_range_is_empty(anon_client, world):
    response = anon_client.get("/opportunities/", EMPTY)

    assert response.status_code == 200
    assert WHY in response.text
    assert response.context["form"].errors == {"closes_before": [WHY]}


def test_the_japanese_listing_says_it_in_japanese(anon_client, world):
    response = anon_client.get("/ja/opportunities/", EMPTY)

    assert "期間が空です。この日付は「締切（この日以降）」の日付より前です。" in response.text


def test_the_csv_and_the_api_refuse_it_naming_closes_before(anon_client, world):
    export = anon_client.get("/opportunities/export.csv", EMPTY)
    assert export.status_code == 400
    assert f"closes_before: {WHY}" in export.content.decode()

    api = anon_client.get("/api/v1/opportunities/", EMPTY)
    assert api.status_code == 400 and api.json() == {"closes_before": [WHY]}


def test_a_one_day_range_is_fine(anon_client, world):
    response = anon_client.get("/opportunities/", {"closes_after": "2027-01-01", "closes_before": "2027-01-01"})

    assert response.status_code == 200 and not response.context["form"].errors
