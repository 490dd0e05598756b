"""Match scores over the API: a firm's best opportunities, an opportunity's best firms, and who may see them."""

import pytest

from tests.api.conftest import assert_golden

pytestmark = pytest.mark.django_db

API = "/api/v1"


def pairs(response) -> list[tuple[str, str]]:
    return [(row["company"]["slug"], row["opportunity"]["slug"]) for row in response.json()["results"]]


def test_alice_pulls_her_firms_matches_best_first(alice_client, matches):
    response = alice_client.get(f"{API}/companies/firm-a/matches/")
    assert response.status_code == 200
    assert_golden(response, "companies-matches-list")
    assert pairs(response) == [("firm-a", "atla-uav-call"), ("firm-a", "dsei-japan-2099")]


def test_the_components_add_up_to_the_score(alice_client, matches):
    best = alice_client.get(f"{API}/companies/firm-a/matches/").json()["results"][0]
    assert sum(part["contribution"] for part in best["components"].values()) == pytest.approx(best["score"])


def test_alices_token_pulls_her_firms_matches(alice_token_client, matches):
    assert alice_token_client.get(f"{API}/companies/firm-a/matches/").status_code == 200


def test_bob_cannot_see_alices_matches(bob_client, matches):
    response = bob_client.get(f"{API}/companies/firm-a/matches/")
    assert response.status_code == 404
    assert "atla-uav-call" not in response.content.decode()


def test_anonymous_callers_cannot_see_matches(anon_client, matches):
    assert anon_client.get(f"{API}/companies/firm-a/matches/").status_code == 401


def test_revoked_and_expired_tokens_are_refused_with_a_reason(revoked_token_client, expired_token_client, matches):
    revoked = revoked_token_client.get(f"{API}/companies/firm-a/matches/")
    assert revoked.status_code == 401
    assert revoked.json() == {"detail": "Token revoked."}
    expired = expired_token_client.get(f"{API}/companies/firm-a/matches/")
    assert expired.status_code == 401
    assert expired.json() == {"detail": "Token expired."}


def test_consultant_sees_any_firms_matches(consultant_client, matches):
    assert pairs(consultant_client.get(f"{API}/companies/firm-b/matches/")) == [("firm-b", "atla-uav-call")]


def test_unknown_firm_is_404(consultant_client, matches):
    assert consultant_client.get(f"{API}/companies/no-such-firm/matches/").status_code == 404


def test_consultant_sees_the_firms_that_fit_an_opportunity_best(consultant_client, matches):
    response = consultant_client.get(f"{API}/opportunities/atla-uav-call/matches/")
    assert response.status_code == 200
    assert_golden(response, "opportunities-matches-list")
    assert pairs(response) == [("firm-a", "atla-uav-call"), ("firm-b", "atla-uav-call")]


def test_staff_and_anonymous_cannot_see_an_opportunitys_best_firms(alice_client, anon_client, matches):
    assert alice_client.get(f"{API}/opportunities/atla-uav-call/matches/").status_code == 403
    assert anon_client.get(f"{API}/opportunities/atla-uav-call/matches/").status_code == 401


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=call", ["atla-uav-call"]),
        ("kind=event&kind=hub", ["dsei-japan-2099"]),
        ("min_score=50", ["atla-uav-call"]),
        ("min_score=20", ["atla-uav-call", "dsei-japan-2099"]),
        ("technology_area=cyber", ["dsei-japan-2099"]),
        ("technology_area=uav&technology_area=space", ["atla-uav-call"]),
        ("eligible=true", ["atla-uav-call"]),
        ("eligible=false", ["dsei-japan-2099"]),
    ],
)
def test_each_match_filter(alice_client, matches, query, expected):
    response = alice_client.get(f"{API}/companies/firm-a/matches/?{query}")
    assert response.status_code == 200
    assert [opportunity for _company, opportunity in pairs(response)] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_score=abc", "min_score"),
        ("min_score=NaN", "min_score"),
        ("kind=unknown", "kind"),
        ("technology_area=nowhere", "technology_area"),
    ],
)
def test_a_bad_match_filter_is_a_400_naming_the_field(alice_client, matches, query, field):
    response = alice_client.get(f"{API}/companies/firm-a/matches/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def _best(client, url: str = f"{API}/companies/firm-a/matches/", **headers) -> dict:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.json()["results"][0]


def test_reasons_and_gaps_come_as_text_and_as_data(alice_client, matches):
    best = _best(alice_client)
    assert best["reasons"] == [
        "declares Uncrewed aerial vehicles",
        "Uncrewed aerial vehicles: description has words for drone and autonomy",
    ]
    assert best["reasons_detail"][1] == {
        "code": "keywords",
        "params": {"area": "uav", "terms": ["drone", "autonomy"]},
        "text": "Uncrewed aerial vehicles: description has words for drone and autonomy",
    }
    assert best["gaps"] == ["no AS9100D or JIS Q 9100: obtain AS9100D or JIS Q 9100"]
    assert [g["code"] for g in best["gaps_detail"]] == ["certifications_missing"]


def test_reasons_stored_as_text_before_this_version_still_read(alice_client, matches):
    event = alice_client.get(f"{API}/companies/firm-a/matches/?kind=event").json()["results"][0]
    assert event["reasons"] == ["Stored before explanations were data."]
    assert event["reasons_detail"] == [{"code": "text", "params": {}, "text": "Stored before explanations were data."}]


def test_lang_ja_reads_japanese_with_the_same_codes_and_params(alice_client, matches, records):
    records["uav"].name_ja = "無人航空機"
    records["uav"].save()
    english = _best(alice_client)
    japanese = _best(alice_client, f"{API}/companies/firm-a/matches/?lang=ja")
    assert japanese["reasons"] == [
        "無人航空機を自社の技術分野として登録",
        "無人航空機：会社説明に「drone」、「autonomy」に当たる記述あり",
    ]
    assert japanese["gaps"] == ["AS9100DまたはJIS Q 9100の認証なし：AS9100DまたはJIS Q 9100を取得する"]
    strip = [{k: v for k, v in item.items() if k != "text"} for item in japanese["reasons_detail"]]
    assert strip == [{k: v for k, v in item.items() if k != "text"} for item in english["reasons_detail"]]
    assert [item["text"] for item in japanese["reasons_detail"]] == japanese["reasons"]


def test_accept_language_chooses_the_language_and_lang_overrides_it(alice_client, matches):
    response = alice_client.get(f"{API}/companies/firm-a/matches/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response["Content-Language"] == "ja"
    assert response.json()["results"][0]["gaps"][0].endswith("を取得する")
    forced = _best(alice_client, f"{API}/companies/firm-a/matches/?lang=en", HTTP_ACCEPT_LANGUAGE="ja")
    assert forced["gaps"] == ["no AS9100D or JIS Q 9100: obtain AS9100D or JIS Q 9100"]


def test_an_unknown_lang_is_a_400_naming_it(alice_client, matches):
    response = alice_client.get(f"{API}/companies/firm-a/matches/?lang=fr")
    assert response.status_code == 400
    assert response.json() == {"lang": ["Choose one of: en, ja."]}


@pytest.mark.parametrize("query", ["lang=fr&lang=ja", "lang=ja&lang=en"])
def test_several_different_langs_are_a_400_naming_lang_not_the_last_one_read_alone(alice_client, matches, query):
    """As every one-value parameter: an unknown `fr` was read as nothing behind `ja`, and `ja&en` answered English."""
    response = alice_client.get(f"{API}/companies/firm-a/matches/?{query}")

    given = ", ".join(value.split("=")[1] for value in query.split("&"))
    refusal = {"lang": [f"Give one value, not several: {given} were given."]}
    assert (response.status_code, response.json()) == (400, refusal)


def test_the_same_lang_twice_is_no_conflict(alice_client, matches):
    response = alice_client.get(f"{API}/companies/firm-a/matches/?lang=ja&lang=JA&lang=")

    assert (response.status_code, response["Content-Language"]) == (200, "ja")


def test_an_opportunitys_best_firms_follow_lang_too(consultant_client, matches):
    best = _best(consultant_client, f"{API}/opportunities/atla-uav-call/matches/?lang=ja")
    assert best["gaps_detail"][0]["text"] == "AS9100DまたはJIS Q 9100の認証なし：AS9100DまたはJIS Q 9100を取得する"


def test_a_cached_answer_in_one_language_is_never_served_in_the_other(alice_token_client, matches, settings):
    settings.API_CACHE_SECONDS = 60
    url = f"{API}/companies/firm-a/matches/"
    for _ in range(2):  # the second round is answered from the cache
        assert _best(alice_token_client, url)["gaps"][0].startswith("no AS9100D")
        assert _best(alice_token_client, url, HTTP_ACCEPT_LANGUAGE="ja")["gaps"][0].endswith("を取得する")
        assert _best(alice_token_client, url + "?lang=ja")["gaps"][0].endswith("を取得する")


def test_a_client_sending_an_empty_lang_reads_its_accept_language_as_if_none_was_given(alice_client, matches):
    response = alice_client.get(f"{API}/companies/firm-a/matches/?lang=", HTTP_ACCEPT_LANGUAGE="ja")
    records = alice_client.get(f"{API}/opportunities/?lang=%20")

    assert response.status_code == 200 and response["Content-Language"] == "ja"
    assert response.json()["results"][0]["gaps"][0].endswith("を取得する")
    assert records.status_code == 200 and records["Content-Language"] == "en"
