"""Cached API answers (portal.api.caching): the same answers, fewer reads, and never stale after a write.

Writes run inside django_capture_on_commit_callbacks(execute=True): the generation bump that retires cached
answers runs on commit, as it does in production, and a test's transaction would otherwise never commit.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from matching import runs
from matching.models import Match
from portal.generations import generations_current
from portal.models import ApiToken
from portal.roles import CONSULTANTS_GROUP
from portal.tokens import token_issue, token_revoke
from programmes.api.views import OpportunityViewSet
from programmes.models import Opportunity
from programmes.services import opportunity_update
from tests.api.conftest import bearer_client
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

API = "/api/v1"
MATCHES = f"{API}/companies/firm-a/matches/"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.API_CACHE_SECONDS = 60


@pytest.fixture
def consultant_token_client(consultant):
    return bearer_client(token_issue(user=consultant, name="reporting")[1])


def test_a_repeated_question_gets_the_same_answer_without_reading_the_database(
    alice_token_client, matches, django_assert_num_queries
):
    first = alice_token_client.get(MATCHES)
    with django_assert_num_queries(0):  # the token, the firm check and the page all come from the cache
        second = alice_token_client.get(MATCHES)
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second.json() == first.json()
    assert [row["score"] for row in second.json()["results"]] == [82.5, 20.0]


def test_the_cached_answer_equals_the_uncached_one(alice_token_client, matches, settings):
    cached = alice_token_client.get(f"{API}/opportunities/?technology_area=uav").json()
    cached_again = alice_token_client.get(f"{API}/opportunities/?technology_area=uav").json()
    settings.API_CACHE_SECONDS = 0
    assert cached == cached_again == alice_token_client.get(f"{API}/opportunities/?technology_area=uav").json()


def test_an_edited_opportunity_shows_in_the_next_answer(
    anon_client, records, consultant, django_capture_on_commit_callbacks
):
    def title() -> str:
        rows = anon_client.get(f"{API}/opportunities/").json()["results"]
        return next(row["title"] for row in rows if row["slug"] == "atla-uav-call")

    assert title() == "UAV autonomy call"
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_update(
            opportunity=records["call"], data={"title": "UAV autonomy call, round 2"}, by=consultant, reason="Renamed"
        )
    assert title() == "UAV autonomy call, round 2"


def test_a_rescore_shows_in_the_next_answer(alice_token_client, matches, firm_a, django_capture_on_commit_callbacks):
    before = [row["score"] for row in alice_token_client.get(MATCHES).json()["results"]]
    with django_capture_on_commit_callbacks(execute=True):
        runs.match_chunk_score(run_id=None, company_ids=[firm_a.pk])
    stored = sorted(Match.objects.filter(company=firm_a).values_list("score", flat=True), reverse=True)
    after = [row["score"] for row in alice_token_client.get(MATCHES).json()["results"]]
    assert after != before
    assert after == pytest.approx(stored)


def test_a_revoked_token_is_refused_at_once(alice, matches, django_capture_on_commit_callbacks):
    token, raw = token_issue(user=alice, name="laptop")
    client = bearer_client(raw)
    assert client.get(MATCHES).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        token_revoke(token=token, by=alice)
    response = client.get(MATCHES)
    assert response.status_code == 401
    assert response.json()["detail"] == "Token revoked."


def test_a_deactivated_user_is_refused_at_once(alice, alice_token_client, matches, django_capture_on_commit_callbacks):
    assert alice_token_client.get(MATCHES).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        alice.is_active = False
        alice.save()
    assert alice_token_client.get(MATCHES).status_code == 401


def test_leaving_a_firm_hides_its_matches_at_once(
    alice, alice_token_client, matches, django_capture_on_commit_callbacks
):
    assert alice_token_client.get(MATCHES).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        alice.memberships.all().delete()
    assert alice_token_client.get(MATCHES).status_code == 404


def test_a_consultant_who_loses_the_role_loses_access_at_once(
    consultant, consultant_token_client, matches, django_capture_on_commit_callbacks
):
    url = f"{API}/opportunities/atla-uav-call/matches/"
    assert consultant_token_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        consultant.groups.remove(Group.objects.get(name=CONSULTANTS_GROUP))
    assert consultant_token_client.get(url).status_code == 403


def test_one_callers_cached_answer_never_reaches_another(alice_token_client, bob_client, consultant_client, matches):
    assert alice_token_client.get(MATCHES).status_code == 200
    assert bob_client.get(MATCHES).status_code == 404
    drafts = consultant_client.get(f"{API}/opportunities/?ordering=title").json()["results"]
    public = alice_token_client.get(f"{API}/opportunities/?ordering=title").json()["results"]
    assert "gcap-draft" in {row["slug"] for row in drafts}
    assert "gcap-draft" not in {row["slug"] for row in public}


def test_paging_links_name_the_host_that_was_asked(anon_client, records):
    first = anon_client.get(f"{API}/opportunities/?page_size=1", HTTP_HOST="localhost").json()
    second = anon_client.get(f"{API}/opportunities/?page_size=1", HTTP_HOST="127.0.0.1").json()
    assert first["next"].startswith("http://localhost/")
    assert second["next"].startswith("http://127.0.0.1/")


def test_the_browsable_api_is_never_served_from_the_cache(
    alice_client, matches, django_assert_max_num_queries, monkeypatch
):
    # The browsable API is served with DJANGO_DEBUG only (docs/security.md), as in development here.
    monkeypatch.setattr(APIView, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    alice_client.get(f"{MATCHES}?format=api")
    page = alice_client.get(f"{MATCHES}?format=api")
    assert page.status_code == 200
    assert "alice" in page.content.decode()  # the page names its reader, so it is built for each request
    with django_assert_max_num_queries(100) as queries:
        alice_client.get(f"{MATCHES}?format=api")
    assert any("matching_match" in query["sql"] for query in queries.captured_queries)


def test_a_bad_filter_is_still_a_400(alice_token_client, matches):
    alice_token_client.get(MATCHES)
    response = alice_token_client.get(f"{MATCHES}?min_score=abc")
    assert response.status_code == 400
    assert "min_score" in response.json()


def test_a_rolled_back_write_leaves_the_generations_alone(records, consultant, django_capture_on_commit_callbacks):
    before = generations_current(["records"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            Opportunity.objects.get(slug="atla-uav-call").save()
            raise RuntimeError("the write fails after the save")
    assert callbacks == []
    assert generations_current(["records"]) == before


def test_a_committed_write_changes_only_its_family(records, django_capture_on_commit_callbacks):
    before = {family: generations_current([family]) for family in ("records", "companies", "matches", "accounts")}
    with django_capture_on_commit_callbacks(execute=True):
        Opportunity.objects.get(slug="atla-uav-call").save()
    after = {family: generations_current([family]) for family in before}
    assert [family for family in before if before[family] != after[family]] == ["records"]


def test_a_cached_tokens_last_use_is_still_written_once_a_minute(token_a):
    token, raw = token_a
    client = bearer_client(raw)
    client.get(f"{API}/me/")
    token.refresh_from_db()
    first_use = token.last_used_at
    client.get(f"{API}/me/")
    token.refresh_from_db()
    assert token.last_used_at == first_use  # the cached token is recent: no write
    cache.delete(f"api-token-used:{token.pk}")  # as if the minute had passed
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - datetime.timedelta(minutes=2))
    client.get(f"{API}/me/")
    client.get(f"{API}/me/")
    token.refresh_from_db()
    # The cached token still shows its old time; the minute's marker lets one request, not every one, write.
    assert token.last_used_at > first_use
    written = token.last_used_at
    client.get(f"{API}/me/")
    token.refresh_from_db()
    assert token.last_used_at == written


def test_signing_in_does_not_retire_cached_answers(
    alice, alice_token_client, matches, django_capture_on_commit_callbacks
):
    alice_token_client.get(MATCHES)
    before = generations_current(["accounts"])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    alice.refresh_from_db()
    assert alice.last_login is not None  # she did sign in
    assert generations_current(["accounts"]) == before


def test_a_rescore_leaves_cached_listings_alone_unless_sorted_by_fit(
    records, firm_a, django_capture_on_commit_callbacks
):
    before = {
        "listing": generations_current(OpportunityViewSet.cache_families_for({})),
        "fit": generations_current(OpportunityViewSet.cache_families_for({"ordering": "fit"})),
    }
    with django_capture_on_commit_callbacks(execute=True):
        runs.match_chunk_score(run_id=None, company_ids=[firm_a.pk])
    assert generations_current(OpportunityViewSet.cache_families_for({})) == before["listing"]
    assert generations_current(OpportunityViewSet.cache_families_for({"ordering": "fit"})) != before["fit"]


def test_a_transaction_writing_many_rows_writes_each_generation_once(
    records, consultant, django_capture_on_commit_callbacks, monkeypatch
):
    writes = []
    set_many = cache.set_many

    def recorded(data, **kwargs):
        writes.append(sorted(data))
        return set_many(data, **kwargs)

    monkeypatch.setattr(cache, "set_many", recorded)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for opportunity in Opportunity.objects.all():
            opportunity.save()
        records["call"].organisations.clear()
        consultant.is_active = False
        consultant.save()
    assert sorted(key.rsplit(":", 1)[1] for batch in writes for key in batch) == ["accounts", "records"]


def test_a_rolled_back_savepoint_keeps_the_bumps_of_the_rest(records, django_capture_on_commit_callbacks):
    before = generations_current(["records"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Opportunity.objects.get(slug="atla-uav-call").save()  # its bump is rolled back with it
            raise RuntimeError
        Opportunity.objects.get(slug="dsei-japan-2099").save()
    assert generations_current(["records"]) != before


def test_with_the_cache_unreachable_answers_come_from_the_database(alice_token_client, matches, monkeypatch):
    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    asked = []
    monkeypatch.setattr(cache, "get", lambda key, default=None: asked.append(key) or default)
    response = alice_token_client.get(MATCHES)
    assert response.status_code == 200
    assert [row["score"] for row in response.json()["results"]] == [82.5, 20.0]
    assert [key for key in asked if key.startswith("api-")] == []  # not asked again once found unreachable
    assert alice_token_client.get(f"{API}/opportunities/").status_code == 200


def test_consultants_cannot_delete_matches_by_hand(consultant_client, matches):
    match = Match.objects.first()
    response = consultant_client.get(f"/admin/matching/match/{match.pk}/delete/")
    assert response.status_code == 403
    assert Match.objects.filter(pk=match.pk).exists()
