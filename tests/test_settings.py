"""The settings refuse unsafe configurations and follow the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL"}}
    # The environment alone, as in production: not the newcomer's .env.local that `make install` writes.
    no_file = {"DJANGO_ENV_FILE": str(ROOT / "var" / "no-such-env-file")}
    command = [sys.executable, "manage.py", "check"]
    return subprocess.run(command, cwd=ROOT, env={**clean, **no_file, **env}, capture_output=True, text=True)


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _check({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_starts_with_a_secret_key_and_debug_off():
    result = _check({"DJANGO_DEBUG": "0", "SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_names_the_variable():
    result = _check({"DJANGO_DEBUG": "perhaps", "SECRET_KEY": "k"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG='perhaps' is not a boolean" in result.stderr


def test_consultants_group_has_curation_permissions(db):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="consultants")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_opportunity", "add_company", "change_company", "view_match"} <= codenames
    assert "change_user" not in codenames


def test_postgresql_sessions_run_without_jit_unless_asked(db):
    """Short portal queries are not worth compiling (docs/matching.md, "Figures"); DATABASE_JIT=1 turns it on."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    show = "from django.db import connection; c = connection.cursor(); c.execute('SHOW jit'); print(c.fetchone()[0])"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-v", "0", "-c", show]
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url, "DATABASE_JIT": "1"}
    env.pop("DATABASE_URL_FILE", None)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "on", result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("STALE_AFTER_DAYS", "-3", "STALE_AFTER_DAYS='-3' must be 1 or more"),
        ("SOURCES_FETCH_THREADS", "0", "SOURCES_FETCH_THREADS='0' must be 1 or more"),
        ("DATABASE_CONN_MAX_AGE", "-1", "DATABASE_CONN_MAX_AGE='-1' must be 0 or more"),
    ],
)
def test_a_count_below_its_least_sensible_value_stops_start_up_naming_the_variable(variable, value, said):
    result = _check({"DJANGO_DEBUG": "0", "SECRET_KEY": "k" * 50, variable: value})
    assert result.returncode != 0
    assert said in result.stderr


def test_zero_where_zero_means_off_is_accepted():
    result = _check(
        {"DJANGO_DEBUG": "0", "SECRET_KEY": "k" * 50, "DATABASE_CONN_MAX_AGE": "0", "API_CACHE_SECONDS": "0"}
    )
    assert result.returncode == 0, result.stderr


def _gunicorn_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Read gunicorn.conf.py as gunicorn does (a Python file run from the project's folder) and print its numbers."""
    code = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['workers'], c['threads'], c['max_requests'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("GUNICORN_WORKERS", "0", "GUNICORN_WORKERS='0' must be 1 or more"),
        ("GUNICORN_TIMEOUT", "-5", "GUNICORN_TIMEOUT='-5' must be 1 or more"),
        ("GUNICORN_THREADS", "two", "GUNICORN_THREADS='two' is not an integer"),
    ],
)
def test_a_gunicorn_number_below_its_least_sensible_value_stops_the_server_naming_it(variable, value, said):
    result = _gunicorn_settings({variable: value})
    assert result.returncode != 0
    assert said in result.stderr


def test_gunicorn_reads_its_numbers_and_never_recycling_workers_is_allowed():
    result = _gunicorn_settings({"GUNICORN_WORKERS": "3", "GUNICORN_MAX_REQUESTS": "0"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1", "0"]
