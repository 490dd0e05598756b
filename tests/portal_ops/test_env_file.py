"""A newcomer's manage.py: `.env.local` (written by make install) supplies local settings; production still refuses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_file_load

ROOT = Path(__file__).resolve().parents[2]


def test_the_file_fills_only_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("KK_TEST_NEW", raising=False)
    monkeypatch.setenv("KK_TEST_SET", "from the environment")
    path = tmp_path / ".env.local"
    path.write_text("# a comment\n\nKK_TEST_NEW = from the file\nKK_TEST_SET=from the file\n")

    env_file_load(path)

    assert os.environ["KK_TEST_NEW"] == "from the file"
    assert os.environ["KK_TEST_SET"] == "from the environment"
    monkeypatch.delenv("KK_TEST_NEW")


def test_a_line_that_is_not_name_equals_value_is_refused_with_its_number(tmp_path):
    path = tmp_path / ".env.local"
    path.write_text("DJANGO_DEBUG=1\nthis is not a setting\n")
    with pytest.raises(ImproperlyConfigured, match="line 2: expected NAME=value"):
        env_file_load(path)


def _manage(*args: str, env_file: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env["DJANGO_ENV_FILE"] = str(env_file)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_manage_py_starts_with_the_local_file_and_nothing_exported(tmp_path):
    local = tmp_path / ".env.local"
    local.write_text("DJANGO_DEBUG=1\nSECRET_KEY=a-generated-local-secret\n")
    result = _manage("check", env_file=local)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_file_and_without_a_secret_it_still_refuses_to_start(tmp_path):
    result = _manage("check", env_file=tmp_path / "missing.env")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
