"""Scoring runs over the API: consultants list them and start rescores (202 with the run)."""

import pytest

from matching.models import MatchRun
from tests.api.conftest import assert_golden
from tests.factories import MatchRunFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def runs(firm_a, consultant):
    MatchRunFactory(
        scope="all", pairs_scored=2, matches_stored=2, chunks_total=1, chunks_done=1, requested_by=consultant
    )
    return MatchRunFactory(scope="company", company=firm_a, status="running", chunks_total=1)


def test_consultant_lists_runs_newest_first(consultant_client, runs):
    response = consultant_client.get(f"{API}/match-runs/")
    assert response.status_code == 200
    assert_golden(response, "match-runs-list")
    assert [run["scope"] for run in response.json()["results"]] == ["company", "all"]


def test_consultant_reads_a_run(consultant_client, runs):
    response = consultant_client.get(runs.get_absolute_url())
    assert response.status_code == 200
    assert_golden(response, "match-runs-detail")


def test_staff_and_anonymous_cannot_see_runs(alice_client, anon_client, runs):
    assert alice_client.get(f"{API}/match-runs/").status_code == 403
    assert anon_client.get(f"{API}/match-runs/").status_code == 401
    assert alice_client.post(f"{API}/match-runs/", {"scope": "all"}, content_type="application/json").status_code == 403


def test_consultant_starts_a_full_rescore(consultant_client, consultant):
    response = consultant_client.post(f"{API}/match-runs/", {"scope": "all"}, content_type="application/json")
    assert response.status_code == 202
    run = MatchRun.objects.get()
    # Absolute, as every other created resource's Location and every URL in the bodies; a GET there reads the run.
    assert response["Location"] == f"http://testserver/api/v1/match-runs/{run.pk}/"
    assert consultant_client.get(response["Location"]).json()["id"] == run.pk
    assert_golden(response, "match-runs-create")
    assert (run.scope, run.status, run.requested_by) == ("all", "pending", consultant)


def test_consultant_rescores_one_firm_by_its_slug(consultant_client, firm_a):
    response = consultant_client.post(f"{API}/match-runs/", {"company": "firm-a"}, content_type="application/json")
    assert response.status_code == 202
    assert (response.json()["scope"], response.json()["company"]) == ("company", "firm-a")


def test_consultant_rescores_one_opportunity_by_its_slug(consultant_client, records):
    response = consultant_client.post(
        f"{API}/match-runs/", {"scope": "opportunity", "opportunity": "atla-uav-call"}, content_type="application/json"
    )
    assert response.status_code == 202
    assert MatchRun.objects.get().opportunity == records["call"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"scope": "everything"}, "scope"),
        ({"scope": "company"}, "company"),
        ({"scope": "all", "company": "firm-a"}, "scope"),
        ({"company": "no-such-firm"}, "company"),
        ({"opportunity": "gcap-draft"}, "opportunity"),
        ({"company": "firm-a", "opportunity": "atla-uav-call"}, "opportunity"),
    ],
)
def test_a_bad_run_request_is_a_400_naming_the_field(consultant_client, firm_a, records, payload, field):
    response = consultant_client.post(f"{API}/match-runs/", payload, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not MatchRun.objects.exists()


def test_an_empty_body_starts_no_rescore_and_says_what_to_give(consultant_client):
    response = consultant_client.post(f"{API}/match-runs/", {}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"scope"}
    assert '{"scope": "all"}' in response.json()["scope"][0]
    assert not MatchRun.objects.exists()


def test_an_unknown_firm_or_record_is_named_in_plain_words(consultant_client):
    firm = consultant_client.post(f"{API}/match-runs/", {"company": "nope"}, content_type="application/json")
    assert firm.status_code == 400 and firm.json() == {"company": ["No firm has the slug “nope”."]}
    record = consultant_client.post(f"{API}/match-runs/", {"opportunity": "nope"}, content_type="application/json")
    assert record.json() == {"opportunity": ["No published record has the slug “nope”."]}


def test_an_empty_rescore_request_names_bodies_that_work(consultant_client):
    response = consultant_client.post("/api/v1/match-runs/", {}, "application/json")
    assert response.status_code == 400
    assert response.json()["scope"] == [
        'Say what to rescore: {"scope": "all"}, {"company": "<a firm\'s slug>"} or '
        '{"opportunity": "<an opportunity\'s slug>"}.'
    ]


@pytest.mark.parametrize(
    ("payload", "english", "japanese"),
    [
        (
            {"scope": "opportunity", "company": "firm-a"},
            {"opportunity": ["An opportunity run needs the record's slug: give “opportunity”."]},
            {"opportunity": ["案件の再採点には案件のスラッグが必要です：「opportunity」を指定してください。"]},
        ),
        (
            {"scope": "company"},
            {"company": ["A company run needs the firm's slug: give “company”."]},
            {"company": ["企業の再採点には企業のスラッグが必要です：「company」を指定してください。"]},
        ),
        (
            {"scope": "all", "opportunity": "atla-uav-call"},
            {"scope": ["A run over all firms takes no opportunity: leave “opportunity” out, or “scope”."]},
            {"scope": ["全企業の再採点には案件を指定できません：「opportunity」か「scope」を外してください。"]},
        ),
        (
            {"company": "firm-a", "opportunity": "atla-uav-call"},
            {"opportunity": ["Give a company or an opportunity, not both."]},
            {"opportunity": ["企業か案件のどちらか一方を指定してください（両方は指定できません）。"]},
        ),
    ],
)
def test_a_consultant_reading_japanese_is_told_why_a_run_request_is_refused_in_japanese(
    consultant_client, firm_a, records, payload, english, japanese
):
    said = consultant_client.post(f"{API}/match-runs/", payload, content_type="application/json")
    said_ja = consultant_client.post(
        f"{API}/match-runs/", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )

    assert (said.status_code, said.json()) == (400, english)  # "A opportunity run needs ..." until 5 December 2026
    assert (said_ja.status_code, said_ja.json()) == (400, japanese)
    assert not MatchRun.objects.exists()
