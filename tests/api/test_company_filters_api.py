"""The firms API filters with the same CompanyFilterSet as the consultants' firm listing."""

API = "/api/v1"


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


def test_a_consultant_filters_firms_by_country_and_words(consultant_client, firm_a, firm_b):
    assert slugs(consultant_client.get(f"{API}/companies/", {"country": "AU"})) == ["firm-a"]
    assert slugs(consultant_client.get(f"{API}/companies/", {"country": "US"})) == ["firm-b"]
    assert slugs(consultant_client.get(f"{API}/companies/", {"q": "Firm B"})) == ["firm-b"]


def test_staff_filtering_still_see_only_their_own_firm(alice_client, firm_b):
    assert slugs(alice_client.get(f"{API}/companies/", {"country": "US"})) == []


def test_a_bad_filter_value_is_a_400_naming_the_field(consultant_client, firm_a):
    response = consultant_client.get(f"{API}/companies/", {"size": "huge"})
    assert response.status_code == 400
    assert "size" in response.json()


def test_a_country_code_is_read_in_any_case_as_on_the_other_filters(consultant_client, firm_a, firm_b):
    assert slugs(consultant_client.get(f"{API}/companies/", {"country": "au"})) == ["firm-a"]
    assert slugs(consultant_client.get(f"{API}/companies/", {"country": " us "})) == ["firm-b"]
    refused = consultant_client.get(f"{API}/companies/", {"country": "zz"})
    assert (refused.status_code, list(refused.json())) == (400, ["country"])
