"""Strict, typed readers for settings taken from the environment."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """Return NAME, or the contents of the file NAME_FILE names (for secrets), or DEFAULT."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return NAME as a boolean; anything but a clear yes/no is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int) -> int:
    """Return NAME as an integer; a non-number, or one below MINIMUM (a negative count of days, no threads), is a
    configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be {minimum} or more")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return NAME as a comma-separated list with blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_file_load(path: Path) -> None:
    """Set the variables of the KEY=VALUE file PATH that the environment does not set already (a missing file is fine).

    For a newcomer's machine: `make install` writes `.env.local` (git-ignored, never in the image) and manage.py reads
    it, so every manage.py command works without exporting variables first. The real environment always wins.
    """
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals or not name.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value")
        os.environ.setdefault(name.strip(), value.strip())
