"""Production hardening a user or an attacker would notice: sign-in lock-out, headers, the deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def login_url():
    return reverse("login")


def test_five_wrong_passwords_lock_the_account_with_a_message(client, db, login_url):
    UserFactory(username="alice")
    for _ in range(4):
        response = client.post(login_url, {"username": "alice", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(login_url, {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(login_url, {"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_right_password_signs_in_before_the_limit(client, db, login_url):
    UserFactory(username="alice")
    client.post(login_url, {"username": "alice", "password": "wrong"})
    response = client.post(login_url, {"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_password_validators_refuse_a_weak_password(alice_client):
    response = alice_client.post(
        reverse("password_change"),
        {"old_password": "correct horse battery staple", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "too common" in body or "entirely numeric" in body


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))}
    env.update(
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_DEBUG="0",
        ALLOWED_HOSTS="kakehashi.example.com",
        CSRF_TRUSTED_ORIGINS="https://kakehashi.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
