"""Every list is paginated with a capped page_size and stable order; callers are throttled per user and per IP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.throttling import SimpleRateThrottle

from programmes.models import TechnologyArea

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def many_areas(db):
    # Same names on purpose: the slug (pk) tie-break has to keep the order stable.
    TechnologyArea.objects.bulk_create(
        TechnologyArea(slug=f"area-{n:03}", name=f"Area {n // 10}", description="x") for n in range(105)
    )


def test_lists_are_paginated_twenty_rows_at_a_time(anon_client, many_areas):
    body = anon_client.get(f"{API}/technology-areas/").json()
    assert body["count"] == 105
    assert len(body["results"]) == 20
    assert body["next"].endswith("/api/v1/technology-areas/?page=2")
    assert body["previous"] is None


def test_page_size_is_capped_at_one_hundred(anon_client, many_areas):
    body = anon_client.get(f"{API}/technology-areas/?page_size=1000").json()
    assert len(body["results"]) == 100


def test_pages_follow_a_stable_order(anon_client, many_areas):
    seen = []
    url = f"{API}/technology-areas/?page_size=7"
    while url:
        body = anon_client.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert seen == list(TechnologyArea.objects.order_by("name", "pk").values_list("slug", flat=True))
    assert len(set(seen)) == 105


def test_a_page_past_the_end_is_a_json_404(anon_client, many_areas):
    response = anon_client.get(f"{API}/technology-areas/?page=99")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5"])
def test_a_page_size_that_is_not_a_whole_number_from_one_is_a_400_naming_it(anon_client, many_areas, value):
    response = anon_client.get(f"{API}/technology-areas/", {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 100."]}


@pytest.mark.parametrize("value", ["abc", "0", "-2", "LAST"])
def test_a_page_that_is_not_a_whole_number_from_one_is_a_400_naming_it_in_the_readers_language(
    anon_client, many_areas, value
):
    response = anon_client.get(f"{API}/technology-areas/", {"page": value})
    assert response.status_code == 400
    assert response.json() == {"page": ["Give a page number: a whole number from 1, or last for the last page."]}
    japanese = anon_client.get(f"{API}/technology-areas/", {"page": value, "lang": "ja"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.json() == {"page": ["ページ番号を 1 以上の整数で指定してください（最後のページは last）。"]}
    assert anon_client.get(f"{API}/technology-areas/", {"page": "last"}).status_code == 200


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})


def test_anonymous_callers_are_throttled_per_ip_with_retry_after(anon_client, low_rates):
    for _ in range(3):
        assert anon_client.get(f"{API}/technology-areas/").status_code == 200
    response = anon_client.get(f"{API}/technology-areas/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]
    assert anon_client.get(f"{API}/technology-areas/", REMOTE_ADDR="192.0.2.9").status_code == 200


@pytest.mark.parametrize(
    ("language", "first", "then"),
    [
        ("en", "Request was throttled.", "Try again in {wait} seconds."),
        ("ja", "リクエストが多すぎます。", "{wait} 秒後にもう一度お試しください。"),
    ],
)
def test_a_throttled_caller_is_told_when_to_try_again_in_their_language(anon_client, low_rates, language, first, then):
    for _ in range(3):
        anon_client.get(f"{API}/technology-areas/", HTTP_ACCEPT_LANGUAGE=language)
    response = anon_client.get(f"{API}/technology-areas/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    if wait == 1:  # the singular, in English
        then = then.replace("seconds", "second")
    assert response.json()["detail"] == f"{first} {then.format(wait=wait)}"


def test_signed_in_callers_are_throttled_per_user(alice_client, alice_token_client, bob_client, low_rates):
    for _ in range(3):
        assert alice_client.get(f"{API}/me/").status_code == 200
    for _ in range(2):
        assert alice_token_client.get(f"{API}/me/").status_code == 200
    # Session and token are the same user, so they share one allowance.
    assert alice_token_client.get(f"{API}/me/").status_code == 429
    assert alice_client.get(f"{API}/me/").status_code == 429
    assert bob_client.get(f"{API}/me/").status_code == 200


def test_throttle_rates_come_from_the_environment():
    env = {**os.environ, "API_THROTTLE_ANON": "7/minute", "API_THROTTLE_USER": "70/hour", "DJANGO_DEBUG": "1"}
    code = "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "{'anon': '7/minute', 'user': '70/hour'}"
