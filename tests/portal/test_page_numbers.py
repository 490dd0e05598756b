"""Every paged page reads ?page= as the opportunity listing does (portal/paging.py): ``last`` is the last page, a
number out of range the nearest page, anything else the first; never Django's ``get_page`` reading of -1 as last."""

import pytest
from django.core.paginator import Paginator

from portal.paging import forgiving_page
from tests.factories import CallFactory, MatchFactory
from workspace.services import pipeline_entry_save

WRONG_AND_STALE = [("last", 2), ("-1", 1), ("0", 1), ("abc", 1), ("99", 2), ("", 1), ("2", 2)]


@pytest.fixture
def many_matches(firm_a):
    """25 matches for firm A, best first "Call 00" … "Call 24": two pages of 20."""
    for n in range(25):
        MatchFactory(company=firm_a, opportunity=CallFactory(title=f"Call {n:02}"), score=99 - n)


@pytest.mark.parametrize("prefix", ["", "/ja"])
@pytest.mark.parametrize(("page", "number"), WRONG_AND_STALE)
def test_my_matches_opens_the_page_the_listing_would(alice_client, many_matches, prefix, page, number):
    response = alice_client.get(f"{prefix}/my/matches/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == number
    first = response.context["matches"][0].opportunity.title
    assert first == ("Call 00" if number == 1 else "Call 20")


@pytest.mark.parametrize("prefix", ["", "/ja"])
@pytest.mark.parametrize(("page", "number"), WRONG_AND_STALE)
def test_a_pipeline_stage_opens_the_page_the_listing_would(alice_client, alice, firm_a, prefix, page, number):
    for _n in range(25):
        pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice, stage="preparing")
    response = alice_client.get(f"{prefix}/workspace/firm-a/pipeline/", {"stage": "preparing", "page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == number
    assert len(response.context["columns"][0].entries) == (20 if number == 1 else 5)


def test_the_opportunity_listing_reads_the_same_numbers(anon_client, db):
    for n in range(25):
        CallFactory(title=f"Call {n:02}")
    for page, number in WRONG_AND_STALE:
        assert anon_client.get("/opportunities/", {"page": page}).context["page_obj"].number == number, page


def test_an_empty_listing_has_one_page_whatever_is_asked():
    for asked in ("last", "-1", "7", None):
        assert forgiving_page(Paginator([], 20), asked).number == 1
