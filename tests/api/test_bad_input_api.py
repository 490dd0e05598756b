"""Bad query parameters are a 400 naming them, in the one documented shape; the index and unknown paths are JSON."""

import pytest

from tests.api.conftest import assert_golden

pytestmark = pytest.mark.django_db

API = "/api/v1"
GIVE_TRUE_OR_FALSE = ["Give true or false."]
# `open` takes two more values than yes and no (programmes.open_filter.OPEN_CHOICES), and says so.
OPEN_CHOICES_MESSAGE = ["Give true (open now), upcoming, now_or_upcoming or false."]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/opportunities/", "open"),
        ("/companies/firm-a/matches/", "eligible"),
        ("/companies/firm-a/matches/", "include_dismissed"),
    ],
)
@pytest.mark.parametrize("value", ["maybe", "yes", "2", "true' OR '1'='1"])
def test_a_yes_no_parameter_that_is_neither_is_a_400_listing_why(alice_client, matches, url, param, value):
    response = alice_client.get(f"{API}{url}", {param: value})

    assert response.status_code == 400, response.content
    expected = OPEN_CHOICES_MESSAGE if param == "open" else GIVE_TRUE_OR_FALSE
    assert response.json() == {param: expected}  # a list, like every other field error


def test_an_opportunitys_best_firms_refuse_a_bad_eligible_too(consultant_client, matches):
    response = consultant_client.get(f"{API}/opportunities/atla-uav-call/matches/", {"eligible": "maybe"})

    assert response.status_code == 400
    assert response.json() == {"eligible": GIVE_TRUE_OR_FALSE}


@pytest.mark.parametrize(("value", "expected"), [("TRUE", ["atla-uav-call"]), ("1", ["atla-uav-call"]), ("", None)])
def test_yes_no_parameters_take_the_documented_spellings_in_any_case(alice_client, matches, value, expected):
    response = alice_client.get(f"{API}/companies/firm-a/matches/", {"eligible": value, "include_dismissed": "False"})

    assert response.status_code == 200
    shown = [row["opportunity"]["slug"] for row in response.json()["results"]]
    assert shown == (expected or ["atla-uav-call", "dsei-japan-2099"])  # empty: not given


@pytest.mark.parametrize("value", ["-5", "-0.01", "100.5", "1000", "1e308", "1e51"])
def test_min_score_outside_0_to_100_is_a_400_saying_so(alice_client, matches, value):
    response = alice_client.get(f"{API}/companies/firm-a/matches/", {"min_score": value})

    assert response.status_code == 400
    assert response.json() == {"min_score": ["Give a score from 0 to 100."]}


@pytest.mark.parametrize(("value", "expected"), [("0", 2), ("100", 0), ("82.5", 1)])
def test_min_score_takes_both_ends_of_the_scale(alice_client, matches, value, expected):
    response = alice_client.get(f"{API}/companies/firm-a/matches/", {"min_score": value})

    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_the_schema_gives_min_scores_range(anon_client):
    schema = anon_client.get(f"{API}/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/companies/{company_slug}/matches/"]["get"]["parameters"]}

    assert (params["min_score"]["schema"]["minimum"], params["min_score"]["schema"]["maximum"]) == (0, 100)
    assert params["min_score"]["description"]
    assert params["eligible"]["schema"] == {"type": "boolean"}


def test_the_index_lists_the_resources_the_schema_and_the_docs(anon_client, consultant_client):
    response = anon_client.get(f"{API}/")

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_golden(response, "index")
    body = response.json()
    assert body["schema"] == "http://testserver/api/v1/schema/" and body["docs"] == "http://testserver/api/v1/docs/"
    for name, url in body.items():
        assert consultant_client.get(url).status_code == 200, name


def test_the_index_keeps_the_apis_token_rule(revoked_token_client, db):
    response = revoked_token_client.get(f"{API}/")

    assert response.status_code == 401 and response.json() == {"detail": "Token revoked."}


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v1/opportunities/x/y/z/", "/api/", "/api", "/api/v2/"]
)
@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_api_path_is_a_json_404(anon_client, settings, path, debug):
    settings.DEBUG = debug  # the debug page is HTML; API clients still get JSON

    response = anon_client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_api_path_missing_its_slash_is_still_redirected(anon_client, db):
    response = anon_client.get("/api/v1/opportunities")

    assert response.status_code == 301 and response["Location"] == "/api/v1/opportunities/"


@pytest.mark.parametrize("debug", [True, False])
def test_a_client_writing_to_a_path_missing_its_slash_is_sent_on_with_its_method_and_body(
    alice_client, matches, settings, debug
):
    settings.DEBUG = debug  # debug raised an HTML error page; without it a 301, followed as a GET, lost the write
    body = {"name": "UAV calls", "query": "technology_area=uav"}
    sent = alice_client.post(f"{API}/saved-searches?lang=ja", body, content_type="application/json")
    followed = alice_client.post(sent["Location"], body, content_type="application/json")

    assert sent.status_code == 308  # RFC 9110: the client repeats the request, method and body, at Location
    assert sent["Location"] == "http://testserver/api/v1/saved-searches/?lang=ja"
    assert sent.json() == {
        "detail": "このアドレスの末尾にはスラッシュが付きます：http://testserver/api/v1/saved-searches/?lang=ja "
        "にリクエストを送ってください。"
    }
    assert followed.status_code == 201 and followed.json()["name"] == "UAV calls"
    assert alice_client.patch(f"{API}/companies/firm-a", {}, content_type="application/json").status_code == 308
    assert alice_client.post(f"{API}/no-such-route", body, content_type="application/json").status_code == 404


def test_pages_outside_the_api_keep_their_html_404(anon_client, db):
    response = anon_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- a parameter that takes one value, given several ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "param", "values"),
    [
        ("/opportunities/", "eligible_country=AU&eligible_country=jp", "eligible_country", "AU, JP"),
        ("/opportunities/", "when=past&when=any", "when", "past, any"),
        ("/companies/", "country=AU&country=US", "country", "AU, US"),
        ("/companies/", "technology_area=uav&technology_area=space", "technology_area", "uav, space"),
        ("/companies/firm-a/matches/", "min_score=10&min_score=50", "min_score", "10, 50"),
        ("/notices/", "country=AU&country=US", "country", "AU, US"),
    ],
)
def test_a_client_repeating_a_one_value_filter_gets_a_400_naming_it_not_the_last_value_alone(
    consultant_client, matches, url, query, param, values
):
    response = consultant_client.get(f"{API}{url}?{query}")

    assert response.status_code == 400, response.content
    assert response.json() == {param: [f"Give one value, not several: {values} were given."]}


def test_a_repeatable_filter_and_a_value_given_twice_still_list(anon_client, records):
    either = anon_client.get(f"{API}/opportunities/?technology_area=uav&technology_area=space&ordering=title")
    twice = anon_client.get(f"{API}/opportunities/?eligible_country=AU&eligible_country=au")
    beside_an_empty_one = anon_client.get(f"{API}/opportunities/?eligible_country=AU&eligible_country=")

    assert [row["slug"] for row in either.json()["results"]] == ["closed-space-call", "atla-uav-call"]
    assert [row["slug"] for row in twice.json()["results"]] == ["atla-uav-call", "dsei-japan-2099"]
    assert [row["slug"] for row in beside_an_empty_one.json()["results"]] == ["atla-uav-call", "dsei-japan-2099"]


def test_a_japanese_reader_repeating_a_one_value_filter_reads_why_beside_it_on_the_listing(anon_client, records):
    api = anon_client.get(f"{API}/opportunities/?eligible_country=AU&eligible_country=US", HTTP_ACCEPT_LANGUAGE="ja")
    page = anon_client.get("/ja/opportunities/?eligible_country=AU&eligible_country=US").content.decode()

    assert api.json() == {"eligible_country": ["値は1つだけ指定してください（指定された値：AU、US）。"]}
    assert "値は1つだけ指定してください（指定された値：AU、US）。" in page
