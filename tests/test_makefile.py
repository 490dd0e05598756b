"""`make run` on another port: the server and the links in emails and feeds move together."""

import os
import shutil
import subprocess
import sys
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


def _site_url_of_manage_py(env_file: Path) -> str:
    """The origin a manage.py command run afterwards writes into emails and feeds, with nothing exported."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL", "DJANGO_SETTINGS_MODULE")}
    environment["DJANGO_ENV_FILE"] = str(env_file)
    code = "from alerts.emails import site_url; print(site_url('/my/notifications/'))"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _make_site_url(env_file: Path, *args: str) -> None:
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "SITE_URL")}
    environment["DJANGO_ENV_FILE"] = str(env_file)
    done = subprocess.run(["make", "-s", "site-url", *args], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_commands_run_after_make_run_on_another_port_link_to_that_port(tmp_path):
    local = tmp_path / ".env.local"
    local.write_text("DJANGO_DEBUG=1\nSECRET_KEY=a-generated-local-secret\n")
    assert "echo 'SITE_URL=http://127.0.0.1:8031'" in dry_run("PORT=8031")  # make run records it

    _make_site_url(local, "PORT=8031")
    assert _site_url_of_manage_py(local) == "http://127.0.0.1:8031/my/notifications/"

    _make_site_url(local)  # back on the default port: the old origin is replaced, not left to win
    assert _site_url_of_manage_py(local) == "http://127.0.0.1:8000/my/notifications/"
    assert "SECRET_KEY=a-generated-local-secret" in local.read_text()
