"""The settings refuse unsafe configurations and follow the environment."""

import os
import subprocess
import sys
from pathlib import Path

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
