"""`manage.py demo_users`: the `consultant`, `staff` and `viewer` demo log-ins, password from DEMO_PASSWORD."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from companies.curated import demo_users_ensure

DEFAULT_DEMO_PASSWORD = "kakehashi-demo"


class Command(BaseCommand):
    help = "Create or update the demo users (make demo only): a consultant, an editor and a viewer of one firm."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        try:
            logins = demo_users_ensure(password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for login in logins:
            self.stdout.write(f"  {login.username} / {password}   ({login.role})")
