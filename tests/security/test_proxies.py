"""Finding 4 of issue 17: X-Forwarded-For and X-Forwarded-Proto are believed only as far as TRUSTED_PROXY_COUNT."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import ConsultantFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
AREAS = "/api/v1/technology-areas/"
PROXY = "10.0.0.5"


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/minute", "user": "50/minute"})


@pytest.fixture
def one_proxy(settings):
    """What TRUSTED_PROXY_COUNT=1 in the environment gives (test_one_variable_sets_every_proxy_setting)."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_with_no_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(anon_client, low_rates):
    statuses = [anon_client.get(AREAS, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(8)]

    assert statuses == [200] * 5 + [429] * 3


def test_behind_one_proxy_each_client_has_its_own_allowance(anon_client, low_rates, one_proxy):
    def get(forwarded: str) -> int:
        return anon_client.get(AREAS, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    attacker = [get(f"192.0.2.{n}, 198.51.100.7") for n in range(7)]  # forged entries before the proxy's own

    assert attacker == [200] * 5 + [429] * 2
    assert get("198.51.100.8") == 200


def test_behind_one_proxy_an_attacker_cannot_lock_the_consultant_out_for_everyone(client, one_proxy):
    ConsultantFactory(username="consultant")
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "consultant", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = client.post(
        "/accounts/login/",
        {"username": "consultant", "password": "correct horse battery staple"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429

    signed_in = client.post(
        "/accounts/login/",
        {"username": "consultant", "password": "correct horse battery staple"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )

    assert signed_in.status_code == 302


def test_with_no_proxy_a_forged_forwarded_for_does_not_dodge_the_lock_out(client):
    ConsultantFactory(username="consultant")
    for n in range(5):
        client.post(
            "/accounts/login/", {"username": "consultant", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )

    response = client.post(
        "/accounts/login/",
        {"username": "consultant", "password": "correct horse battery staple"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )

    assert response.status_code == 429


def test_with_no_proxy_a_forged_forwarded_proto_does_not_pass_for_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/calendar/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/calendar/"


def _settings_with(env: dict[str, str]) -> str:
    code = (
        "from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['NUM_PROXIES'], settings.SECURE_PROXY_SSL_HEADER, "
        "settings.AXES_CLIENT_IP_CALLABLE)"
    )
    base = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_one_variable_sets_every_proxy_setting():
    assert _settings_with({}) == "0 None portal.proxies.client_ip"
    assert _settings_with({"TRUSTED_PROXY_COUNT": "1"}) == (
        "1 ('HTTP_X_FORWARDED_PROTO', 'https') portal.proxies.client_ip"
    )
