"""A number too large for the database in a form or API request is refused with a 400, never a 500.

SQLite (the development default) cannot bind an integer beyond 64 bits and raises OverflowError; PostgreSQL compares
such a value as numeric and finds no row, so the form says "select a valid choice" there.
"""

import pytest
from django.db import connection

from tests.companies.test_company_profile_pages import edit, form_data

HUGE = "9" * 30


def test_a_huge_area_id_in_the_firm_form_is_refused_and_changes_nothing(alice_client, firm_a):
    alice_client.raise_request_exception = False
    before = firm_a.history.count()

    response = alice_client.post(edit(firm_a), form_data(firm_a, technology_areas=[HUGE]))

    assert response.status_code == 400
    if connection.vendor == "sqlite":
        assert "A number in the request is too large" in response.text
    else:
        assert "Select a valid choice" in response.text
    assert firm_a.history.count() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite cannot bind such a number")
def test_under_ja_the_refusal_is_in_japanese(alice_client, firm_a):
    alice_client.raise_request_exception = False

    response = alice_client.post("/ja" + edit(firm_a), form_data(firm_a, technology_areas=[HUGE]))

    assert response.status_code == 400
    assert "数値が大きすぎます" in response.text
