"""An account with no firm (a consultant) has no matches to export: the export answers 404, as it does for a firm
that is not theirs and as the event brief does, never a CSV of headers alone."""

import pytest

EXPORT = "/my/matches/export.csv"


@pytest.mark.parametrize("prefix", ["", "/ja"])
@pytest.mark.parametrize("query", [{}, {"kind": "call"}, {"kind": "bogus"}, {"show_dismissed": "1"}])
def test_a_consultant_gets_no_matches_export(consultant_client, prefix, query):
    response = consultant_client.get(prefix + EXPORT, query)
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("text/csv")


def test_the_page_tells_them_why_and_offers_no_export(consultant_client):
    page = consultant_client.get("/my/matches/").text
    assert "not linked to a firm" in page
    assert EXPORT not in page


def test_a_signed_in_user_of_a_firm_still_gets_the_export(alice_client, alice):
    response = alice_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kakehashi-matches-firm-a.csv"' in response["Content-Disposition"]
