"""Every API list costs the same number of queries at 2 rows as at 20 (no N+1), and each query is named."""

import pytest

from tests.factories import (
    CertificationFactory,
    CompanyFactory,
    MatchFactory,
    MatchRunFactory,
    OpportunityFactory,
    OrganisationFactory,
    TechnologyAreaFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROWS = [2, 20]


def _opportunities(n: int) -> list:
    area = TechnologyAreaFactory(slug="uav")
    organisation = OrganisationFactory(slug="atla")
    certification = CertificationFactory(code="as9100d")
    opportunities = []
    for i in range(n):
        opportunity = OpportunityFactory(slug=f"opp-{i:02}", areas=[area])  # with one source
        opportunity.organisations.add(organisation)
        opportunity.required_certifications.add(certification)
        opportunities.append(opportunity)
    return opportunities


def _get(client, url, django_assert_num_queries, queries: int, rows: int) -> None:
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_opportunity_list_queries(anon_client, django_assert_num_queries, rows):
    _opportunities(rows)
    # 1 the ?technology_area slugs (the filter form checks them), 2 count, 3 page of opportunities, then one
    # prefetch each for 4 organisations, 5 area links with their areas, 6 sources, 7 required certifications.
    _get(anon_client, f"{API}/opportunities/?technology_area=uav", django_assert_num_queries, 7, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_opportunity_list_queries_unfiltered(anon_client, django_assert_num_queries, rows):
    _opportunities(rows)
    # Queries 2-7 of the filtered listing above.
    _get(anon_client, f"{API}/opportunities/", django_assert_num_queries, 6, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_reference_list_queries(anon_client, django_assert_num_queries, rows):
    for i in range(rows):
        TechnologyAreaFactory(slug=f"area-{i:02}")
        OrganisationFactory(slug=f"org-{i:02}")
        CertificationFactory(code=f"cert-{i:02}").equivalents.add(CertificationFactory(code=f"equiv-{i:02}"))
    # 1 count, 2 page of areas.
    _get(anon_client, f"{API}/technology-areas/", django_assert_num_queries, 2, rows)
    # 1 count, 2 page of organisations.
    _get(anon_client, f"{API}/organisations/", django_assert_num_queries, 2, rows)
    # 1 count, 2 page of certifications, 3 their equivalents (prefetch).
    _get(anon_client, f"{API}/certifications/?page_size={rows}", django_assert_num_queries, 3, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_company_list_queries(consultant_client, django_assert_num_queries, rows):
    area, certification = TechnologyAreaFactory(slug="uav"), CertificationFactory(code="as9100d")
    for i in range(rows):
        CompanyFactory(slug=f"firm-{i:02}", areas=[area], certs=[certification])
    # 1 session, 2 user, 3 is the user a consultant (groups), 4 count, 5 page of firms,
    # 6 their areas (prefetch), 7 their certification links with the certifications (prefetch).
    _get(consultant_client, f"{API}/companies/", django_assert_num_queries, 7, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_company_match_list_queries(alice_client, firm_a, django_assert_num_queries, rows):
    for opportunity in _opportunities(rows):
        MatchFactory(company=firm_a, opportunity=opportunity)
    # 1 session, 2 user, 3 consultant check (groups), 4 the firm among those alice may see, 5 count,
    # 6 page of matches with firm and opportunity joined, 7 the opportunities' area links with the areas (prefetch),
    # 8 the published notices that may bear on the page (issue #13; with some, a fixed four more).
    _get(alice_client, f"{API}/companies/firm-a/matches/", django_assert_num_queries, 8, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_company_match_list_queries_with_explanations(alice_client, firm_a, django_assert_num_queries, rows):
    for opportunity in _opportunities(rows):
        MatchFactory(
            company=firm_a,
            opportunity=opportunity,
            reasons=[{"code": "ticked", "params": {"area": "uav"}}],
            gaps=[{"code": "certifications_missing", "params": {"certifications": ["as9100d"]}}],
        )
    # Queries 1-8 above, then 9 area names and 10 certification names, read once for every row's reasons and gaps.
    _get(alice_client, f"{API}/companies/firm-a/matches/?lang=ja", django_assert_num_queries, 10, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_company_match_list_queries_with_a_token(alice_token_client, firm_a, django_assert_num_queries, rows):
    for opportunity in _opportunities(rows):
        MatchFactory(company=firm_a, opportunity=opportunity)
    alice_token_client.get(f"{API}/me/")  # the first use writes last_used_at; later uses within a minute do not
    # 1 the token with its user and whether they are a consultant (one join, one EXISTS), then queries 4-8 above.
    _get(alice_token_client, f"{API}/companies/firm-a/matches/", django_assert_num_queries, 6, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_opportunity_match_list_queries(consultant_client, django_assert_num_queries, rows):
    (opportunity,) = _opportunities(1)
    for i in range(rows):
        MatchFactory(company=CompanyFactory(slug=f"firm-{i:02}"), opportunity=opportunity)
    # 1 session, 2 user, 3 consultant check, 4 the opportunity, 5 count,
    # 6 page of matches with firm and opportunity joined, 7 the opportunity's area links with the areas,
    # 8 the published notices that may bear on them (issue #13).
    _get(consultant_client, f"{API}/opportunities/opp-00/matches/", django_assert_num_queries, 8, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_match_run_list_queries(consultant_client, consultant, django_assert_num_queries, rows):
    firm = CompanyFactory(slug="firm-x")
    for _ in range(rows):
        MatchRunFactory(scope="company", company=firm, requested_by=consultant)
    # 1 session, 2 user, 3 consultant check, 4 count, 5 page of runs with firm, opportunity and requester joined.
    _get(consultant_client, f"{API}/match-runs/", django_assert_num_queries, 5, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_token_list_queries(alice_client, alice, django_assert_num_queries, rows):
    from portal.tokens import token_issue

    for i in range(rows):
        token_issue(user=alice, name=f"token {i}")
    # 1 session, 2 user, 3 count, 4 page of alice's tokens.
    _get(alice_client, f"{API}/tokens/", django_assert_num_queries, 4, rows)


@pytest.mark.parametrize("rows", ROWS)
def test_me_queries(alice_client, alice, django_assert_num_queries, rows):
    from companies.models import Membership

    for i in range(rows - 1):
        Membership.objects.create(user=alice, company=CompanyFactory(slug=f"firm-{i:02}"))
    # 1 session, 2 user, 3 consultant check for the role, 4 memberships with their firms.
    with django_assert_num_queries(4):
        response = alice_client.get(f"{API}/me/")
    assert len(response.json()["companies"]) == rows
