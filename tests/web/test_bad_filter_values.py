"""A filter value the listing cannot read: the page shows it beside the field, a CSV export refuses it with a 400.

Before, `/opportunities/export.csv?kind=bogus` downloaded every record as if no filter had been asked for, and
`open=maybe` or `eligible=maybe` were read as "any" without a word.
"""

import pytest

from tests.factories import CallFactory, MatchFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

OPPORTUNITY_EXPORT = "/opportunities/export.csv"
MATCH_EXPORT = "/my/matches/export.csv"


@pytest.fixture
def listed(firm_a):
    call = CallFactory(slug="laser-call", title="Laser call")
    hub = OpportunityFactory(slug="hub", title="Hub")
    MatchFactory(company=firm_a, opportunity=call, score=70.0, eligible=True)
    MatchFactory(company=firm_a, opportunity=hub, score=30.0, eligible=False)


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("kind", "bogus", "kind: Select a valid choice. bogus is not one of the available choices."),
        ("open", "maybe", "open: Give true (open now), upcoming, now_or_upcoming or false."),
        ("technology_area", "no-such-area", "technology_area: Select a valid choice."),
        ("closes_before", "soon", "closes_before: Enter a valid date."),
    ],
)
def test_the_opportunity_export_refuses_a_bad_filter_naming_it(anon_client, listed, param, value, message):
    response = anon_client.get(OPPORTUNITY_EXPORT, {param: value})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("Nothing was exported: correct these filters and try again.\n")
    assert message in text
    assert "laser-call" not in text and "Content-Disposition" not in response


def test_the_opportunity_export_still_exports_good_filters_and_ignores_other_parameters(anon_client, listed):
    response = anon_client.get(OPPORTUNITY_EXPORT, {"kind": "call", "open": "", "utm_source": "newsletter"})

    assert response.status_code == 200
    rows = response.content.decode().splitlines()
    assert len(rows) == 2 and rows[1].startswith("laser-call,call,")


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("eligible", "maybe", "eligible: Give true or false."),
        ("min_score", "1000", "min_score: Give a score from 0 to 100."),
        ("kind", "bogus", "kind: Select a valid choice."),
    ],
)
def test_the_match_export_refuses_a_bad_filter_naming_it(alice_client, listed, param, value, message):
    response = alice_client.get(MATCH_EXPORT, {param: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "laser-call" not in response.content.decode()


def test_the_match_export_takes_the_company_switcher_and_good_filters(alice_client, listed):
    response = alice_client.get(MATCH_EXPORT, {"company": "firm-a", "eligible": "true"})

    assert response.status_code == 200
    assert [row.split(",")[1] for row in response.content.decode().splitlines()[1:]] == ["laser-call"]


def test_the_listing_shows_a_bad_yes_no_value_beside_its_field(anon_client, listed):
    response = anon_client.get("/opportunities/", {"open": "maybe"})

    assert response.status_code == 200  # the page stays usable: the other filters apply, the field says why
    assert response.context["form"].errors == {"open": ["Give true (open now), upcoming, now_or_upcoming or false."]}
    assert "Give true (open now), upcoming, now_or_upcoming or false." in response.text


def test_the_listing_says_why_it_refused_a_when_that_has_no_field_on_the_page(anon_client, listed):
    # `when` comes from a shared or hand-made link; the page has no field for it to be shown beside.
    english = anon_client.get("/opportunities/", {"when": "bogus", "kind": "call"})
    japanese = anon_client.get("/ja/opportunities/", {"when": "bogus"})

    assert english.status_code == japanese.status_code == 200
    assert "when: Select a valid choice. bogus is not one of the available choices." in english.text
    assert "when：正しく選択してください。 bogus は候補にありません。" in japanese.text


def test_my_matches_shows_bad_eligible_and_min_score_beside_their_fields(alice_client, listed):
    response = alice_client.get("/my/matches/", {"eligible": "maybe", "min_score": "-5"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "eligible": ["Give true or false."],
        "min_score": ["Give a score from 0 to 100."],
    }
    assert "Give a score from 0 to 100." in response.text


@pytest.mark.parametrize(("value", "shown"), [("1", "true"), ("True", "true"), ("FALSE", "false"), ("unknown", "")])
def test_the_listing_shows_the_yes_no_choice_it_applied_for_every_spelling(anon_client, listed, value, shown):
    response = anon_client.get("/opportunities/", {"open": value})

    assert response.status_code == 200 and not response.context["form"].errors
    assert f'<option value="{shown}" selected>' in response.text  # resubmitting the form keeps the filter


def test_my_matches_shows_the_eligibility_choice_it_applied(alice_client, listed):
    response = alice_client.get("/my/matches/", {"eligible": "0"})

    assert [m.opportunity.slug for m in response.context["matches"]] == ["hub"]
    assert '<option value="false" selected>' in response.text


@pytest.mark.parametrize("param", ["kind", "technology_area", "organisation"])
def test_an_empty_multi_value_filter_means_not_given_as_a_yes_no_one_does(anon_client, listed, param):
    response = anon_client.get(OPPORTUNITY_EXPORT, {param: ""})

    assert response.status_code == 200, response.content.decode()
    assert {row.split(",")[0] for row in response.content.decode().splitlines()[1:]} == {"laser-call", "hub"}
    assert not anon_client.get("/opportunities/", {param: ""}).context["form"].errors


def test_the_api_reads_an_empty_area_or_kind_as_not_given(alice_client, listed):
    for param in ("technology_area", "kind"):
        response = alice_client.get("/api/v1/companies/firm-a/matches/", {param: ""})
        assert response.status_code == 200, response.content.decode()
        assert response.json()["count"] == 2


@pytest.mark.parametrize(
    ("param", "value"),
    [("kind", "bogus"), ("open", "maybe"), ("technology_area", "no-such-area"), ("closes_before", "soon")],
)
def test_the_listing_shows_no_filter_in_use_for_a_value_it_did_not_apply(anon_client, listed, param, value):
    response = anon_client.get("/opportunities/", {param: value})

    assert response.status_code == 200 and param in response.context["form"].errors
    assert "Filters in use" not in response.text and "Remove filter" not in response.text
    assert f"<strong>{value}</strong>" not in response.text


def test_the_listing_keeps_the_applied_filters_in_use_beside_a_bad_one(anon_client, listed):
    response = anon_client.get("/opportunities/", {"kind": "call", "open": "maybe", "technology_area": "no-such-area"})

    assert [opportunity.slug for opportunity in response.context["opportunities"]] == ["laser-call"]
    kept = ("Kind", "Call for proposals", "open=maybe&technology_area=no-such-area")  # its "remove" link
    assert response.context["active_filters"] == [kept]
    assert "Kind: <strong>Call for proposals</strong>" in response.text
    assert "<strong>maybe</strong>" not in response.text and "<strong>no-such-area</strong>" not in response.text
