"""`make run` on another port: the server and the links in emails and feeds move together."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry_run(*args: str, **env: str) -> str:
    """The commands `make run ARGS` would run, without running them."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")} | env
    done = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_make_run_serves_on_8000_and_links_there_by_default():
    assert "SITE_URL=http://127.0.0.1:8000 DJANGO_DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:8000" in (
        dry_run()
    )


def test_make_run_on_another_port_links_emails_and_feeds_to_that_port():
    commands = dry_run("PORT=8011")

    assert "runserver 127.0.0.1:8011" in commands
    assert "SITE_URL=http://127.0.0.1:8011 " in commands
    assert "Kakehashi is starting on http://127.0.0.1:8011/" in commands


def test_a_site_url_set_by_hand_wins():
    assert "SITE_URL=https://kakehashi.example " in dry_run("PORT=8011", SITE_URL="https://kakehashi.example")
