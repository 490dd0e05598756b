#!/usr/bin/env python
"""Django's command-line utility for Kakehashi."""

import os
import sys
from pathlib import Path


def main() -> None:
    from portal.env import env_file_load

    # The newcomer's local settings (`make install` writes them); DJANGO_ENV_FILE names another file.
    env_file_load(Path(os.environ.get("DJANGO_ENV_FILE") or Path(__file__).resolve().parent / ".env.local"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
