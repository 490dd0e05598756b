"""SQL typed into filters is only ever a value (issue 6, "Bad input").

Pages show a value they cannot read beside its field and apply the other filters (200, never more rows than the
viewer may see); CSV exports and the API answer 400 naming the parameter. Nothing answers 500, and every table is
still there afterwards.
"""

import pytest
from django.db import connection
from django.urls import reverse

from companies.models import Company
from matching.models import Match
from programmes.models import Opportunity
from tests.factories import CallFactory, MatchFactory, OpportunityFactory, OrganisationFactory, TechnologyAreaFactory

INJECTIONS = {
    "q": "' OR 1=1 --",
    "technology_area": "x'; DROP TABLE programmes_opportunity; --",
    "organisation": "atla' OR '1'='1",
    "ordering": "title; DROP TABLE companies_company",
    "closes_before": "'1; DROP TABLE matching_match",
    "closes_after": "2099-01-01' OR '1'='1",
    "eligible_country": "AU' OR 1=1 --",
    "kind": "call' UNION SELECT * FROM auth_user --",
    "open": "true' OR '1'='1",
    "page": "1 OR 1=1",
}
MATCH_INJECTIONS = {
    "min_score": "1 OR 1=1",
    "technology_area": "x'; DROP TABLE matching_match; --",
    "kind": "call' OR '1'='1",
    "eligible": "1' OR '1'='1",
}
# What the API answers when not 400 naming the parameter: a text search finds nothing (200). A page that is not a
# number is a 400 naming it (portal/api/pagination.py); a yes/no filter refuses anything but true or false
# (portal/filters.py).
API_ANSWERS = {"q": 200}
# What a CSV export answers when not 400 naming the parameter: a text search is a value, and paging is not a filter.
EXPORT_ANSWERS = {"q": 200, "page": 200}


@pytest.fixture
def records(db):
    """Two published records the public may see, and a draft they may not."""
    area = TechnologyAreaFactory(slug="lasers")
    atla = OrganisationFactory(slug="atla")
    call = CallFactory(slug="laser-call", title="Laser call", areas=[area], eligible_countries=["AU"])
    call.organisations.add(atla)
    OpportunityFactory(slug="hub", title="Hub")
    OpportunityFactory(slug="secret-draft", title="Secret draft", status=Opportunity.Status.DRAFT)
    return call


@pytest.fixture
def tables():
    """The project's tables, to compare after the requests."""
    return set(connection.introspection.table_names())


def assert_nothing_dropped(tables: set[str], counts: tuple[int, int, int]) -> None:
    assert set(connection.introspection.table_names()) == tables
    assert (Opportunity.objects.count(), Company.objects.count(), Match.objects.count()) == counts


def _counts() -> tuple[int, int, int]:
    return Opportunity.objects.count(), Company.objects.count(), Match.objects.count()


@pytest.mark.parametrize(("param", "value"), INJECTIONS.items())
def test_the_listing_page_treats_sql_in_a_filter_as_a_value(anon_client, records, tables, param, value):
    counts = _counts()

    response = anon_client.get(reverse("programmes:opportunity_list"), {param: value})

    assert response.status_code == 200  # a page that is not a number shows the first page (portal/paging.py)
    shown = {opportunity.slug for opportunity in response.context["opportunities"]}
    assert shown <= {"laser-call", "hub"}  # never the draft: no filter widens what the public sees
    if param == "q":
        assert shown == set()  # no record contains the words
    assert "Secret draft" not in response.content.decode()
    assert_nothing_dropped(tables, counts)


@pytest.mark.parametrize(("param", "value"), INJECTIONS.items())
def test_the_csv_export_treats_sql_in_a_filter_as_a_value(anon_client, records, tables, param, value):
    counts = _counts()

    response = anon_client.get(reverse("programmes:opportunity_export"), {param: value})

    expected = EXPORT_ANSWERS.get(param, 400)
    assert response.status_code == expected, response.content
    if expected == 400:
        assert f"\n{param}: " in response.content.decode()  # never every record, as if no filter had been asked for
    assert "secret-draft" not in response.content.decode()
    assert_nothing_dropped(tables, counts)


@pytest.mark.parametrize(("param", "value"), INJECTIONS.items())
def test_the_api_refuses_sql_in_a_filter_naming_the_parameter(anon_client, records, tables, param, value):
    counts = _counts()

    response = anon_client.get("/api/v1/opportunities/", {param: value})

    expected = API_ANSWERS.get(param, 400)
    assert response.status_code == expected, response.content
    body = response.json()
    if expected == 400:
        assert param in body  # {"technology_area": ["Select a valid choice. ..."]}
    if expected == 200:
        shown = {row["slug"] for row in body["results"]}
        assert (shown == set()) if param == "q" else (shown <= {"laser-call", "hub"})
    assert "secret-draft" not in response.content.decode()
    assert_nothing_dropped(tables, counts)


@pytest.fixture
def alice_matches(records, firm_a, firm_b):
    MatchFactory(company=firm_a, opportunity=records, score=70.0)
    MatchFactory(company=firm_b, opportunity=records, score=40.0, reasons=["Bob's firm reason"])


@pytest.mark.parametrize(("param", "value"), MATCH_INJECTIONS.items())
def test_my_matches_treats_sql_in_a_filter_as_a_value(alice_client, alice_matches, tables, param, value):
    counts = _counts()

    page = alice_client.get(reverse("matching:match_list"), {param: value})
    export = alice_client.get(reverse("matching:match_export"), {param: value})

    assert page.status_code == 200 and param in page.context["form"].errors
    assert export.status_code == 400 and f"\n{param}: " in export.content.decode()
    for response in (page, export):
        assert "Bob&#x27;s firm reason" not in response.content.decode()
        assert "Bob's firm reason" not in response.content.decode()
    assert_nothing_dropped(tables, counts)


@pytest.mark.parametrize(("param", "value"), MATCH_INJECTIONS.items())
def test_the_matches_api_refuses_sql_in_a_filter_naming_the_parameter(
    alice_client, alice_matches, tables, param, value
):
    counts = _counts()

    response = alice_client.get("/api/v1/companies/firm-a/matches/", {param: value})

    expected = API_ANSWERS.get(param, 400)
    assert response.status_code == expected, response.content
    if expected == 400:
        assert param in response.json()
    else:
        assert {row["company"]["slug"] for row in response.json()["results"]} == {"firm-a"}
    assert_nothing_dropped(tables, counts)


@pytest.mark.parametrize("value", ["' OR 1=1 --", "x%' OR name LIKE '%", "firm-b' --"])
def test_the_firm_listing_search_finds_only_the_callers_firms(alice_client, alice_matches, tables, value):
    counts = _counts()

    response = alice_client.get(reverse("companies:company_list"), {"q": value, "country": value})

    assert response.status_code == 200
    assert "Firm B" not in response.content.decode()
    assert_nothing_dropped(tables, counts)


def test_a_slug_made_of_sql_is_a_404_not_a_500(alice_client, records, tables):
    counts = _counts()
    for url in (
        "/opportunities/x' OR '1'='1/",
        "/companies/firm-b' OR '1'='1/",
        "/api/v1/opportunities/x' OR '1'='1/",
        "/api/v1/companies/x' OR '1'='1/matches/",
        "/api/v1/match-runs/1 OR 1=1/",
        "/api/v1/tokens/1 OR 1=1/",
    ):
        response = alice_client.get(url)

        assert response.status_code in (403, 404), url
    assert_nothing_dropped(tables, counts)
