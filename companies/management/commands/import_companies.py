"""manage.py import_companies FILE.csv: create and update firms from a CSV file, all or nothing."""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from companies.importing import CompanyImportError, companies_import


class Command(BaseCommand):
    help = "Import firms from a CSV file (see docs/import.md); nothing is written if any row is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with the header name,country,size,...")
        parser.add_argument("--user", help="username recorded as the author in each firm's history")

    def handle(self, *args, file: Path, user: str | None, verbosity: int, **options) -> None:
        by = self._user(user)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from exc
        try:
            result = companies_import(data=data, by=by, source=file.name, progress=verbosity >= 1)
        except CompanyImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s) in {file}; nothing was imported.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Firms created: {result.created}, updated: {result.updated}, unchanged: {result.unchanged}."
            )
        )
        # A re-import overwrites what staff edited since (docs/import.md): say whose profiles.
        if result.created:
            self.stdout.write(f"Created: {result.names_created()}.")
        if result.updated:
            self.stdout.write(f"Updated: {result.names_updated()}.")
        if result.overwritten:
            self.stdout.write(self.style.WARNING(result.staff_edits_overwritten()))

    def _user(self, username: str | None) -> User | None:
        if username is None:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"no user called {username!r}") from exc
