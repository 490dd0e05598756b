"""A person on the staff of two firms reads the opportunity listing for either (`?company=`), as My matches and the
record pages let them: scores, the best-fit order, the CSV, paging and the links to records all follow the firm."""

import csv
import io
import re

import pytest

from tests.factories import CallFactory, CompanyFactory, MatchFactory, MembershipFactory
from tests.pages import days, listing_titles

LIST = "/opportunities/"


@pytest.fixture
def two_firms(alice, firm_a):
    """alice edits Firm A and is a viewer at Zeta Optics; the two calls fit the firms the other way round."""
    zeta = CompanyFactory(slug="zeta-optics", name="Zeta Optics", country="US")
    MembershipFactory(user=alice, company=zeta, role="viewer")
    laser = CallFactory(slug="laser-call", title="High-power laser call", closes_on=days(10))
    cyber = CallFactory(slug="cyber-call", title="Cyber defence call", closes_on=days(20))
    MatchFactory(company=firm_a, opportunity=laser, score=41.0)
    MatchFactory(company=firm_a, opportunity=cyber, score=77.0)
    MatchFactory(company=zeta, opportunity=laser, score=88.0)
    MatchFactory(company=zeta, opportunity=cyber, score=12.0)
    return zeta


def _shown_scores(response) -> dict[str, float]:
    return {o.slug: response.context["scores"][o.pk].score for o in response.context["opportunities"]}


def test_the_listing_for_the_second_firm_shows_the_second_firms_scores(alice_client, two_firms):
    response = alice_client.get(LIST, {"company": "zeta-optics"})

    assert response.status_code == 200
    assert "Scores are for Zeta Optics" in response.text and "Scores are for Firm A" not in response.text
    assert _shown_scores(response) == {"laser-call": 88.0, "cyber-call": 12.0}
    assert '<span class="score-number">88</span>' in response.text
    # Without a firm named, the first of theirs, as before.
    assert _shown_scores(alice_client.get(LIST)) == {"laser-call": 41.0, "cyber-call": 77.0}


def test_best_fit_sorts_by_the_chosen_firms_scores(alice_client, two_firms):
    first_firm = listing_titles(alice_client.get(LIST, {"ordering": "fit"}))
    second_firm = listing_titles(alice_client.get(LIST, {"ordering": "fit", "company": "zeta-optics"}))

    assert first_firm == ["Cyber defence call", "High-power laser call"]
    assert second_firm == ["High-power laser call", "Cyber defence call"]


def test_the_page_offers_a_firm_switcher_and_keeps_the_firm_in_its_links(alice_client, two_firms):
    text = alice_client.get(LIST, {"company": "zeta-optics", "kind": "call"}).text

    switcher = re.search(r'<select id="id_company" name="company">(.*?)</select>', text, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)"( selected)?>', switcher)
    assert options == [("firm-a", ""), ("zeta-optics", " selected")]
    # The record's page reads the same firm's fit; the filters' "Clear all" keeps the firm.
    assert '<a href="/opportunities/laser-call/?company=zeta-optics"' in text
    assert '<a href="/opportunities/?company=zeta-optics">Clear all</a>' in text
    record = alice_client.get("/opportunities/laser-call/?company=zeta-optics").text
    assert "How Zeta Optics fits" in record


def test_page_links_and_the_csv_keep_the_firm(alice_client, two_firms):
    for n in range(25):
        CallFactory(title=f"Call {n:02}", closes_on=days(n + 30))
    first = alice_client.get(LIST, {"company": "zeta-optics", "kind": "call"})
    next_page = re.search(r'<a href="\?([^"]+)" rel="next">', first.text).group(1).replace("&amp;", "&")
    assert "company=zeta-optics" in next_page
    assert "Scores are for Zeta Optics" in alice_client.get(f"{LIST}?{next_page}").text

    export = alice_client.get("/opportunities/export.csv", {"company": "zeta-optics", "kind": "call"})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert {row["slug"]: row["score"] for row in rows}["laser-call"] == "88.0"


def test_a_firm_not_theirs_is_not_found_on_the_listing_and_its_csv(alice_client, bob_client, two_firms, firm_b):
    MatchFactory(company=firm_b, opportunity=CallFactory(title="Bob's call", closes_on=days(5)), score=99.0)

    assert alice_client.get(LIST, {"company": "firm-b"}).status_code == 404
    assert alice_client.get("/opportunities/export.csv", {"company": "firm-b"}).status_code == 404
    assert bob_client.get(LIST, {"company": "zeta-optics"}).status_code == 404


def test_a_person_with_one_firm_gets_no_switcher_and_plain_links(bob_client, firm_b):
    CallFactory(slug="laser-call", closes_on=days(10))
    text = bob_client.get(LIST).text
    assert 'name="company"' not in text
    assert '<a href="/opportunities/laser-call/"' in text
