"""`manage.py load_curated [--dir fixtures] [--overwrite | --overwrite-only SLUG ...]`: upsert the curated fixtures,
all or nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from web.curated import CuratedLoadError, curated_load


class Command(BaseCommand):
    help = "Load the curated records and demo firms from YAML fixtures (validated, idempotent, one transaction)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", default=str(settings.BASE_DIR / "fixtures"), help="directory holding the *.yaml fixtures"
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="also replace the records a person edited since the last load (kept as they are without it)",
        )
        parser.add_argument(
            "--overwrite-only",
            nargs="+",
            default=[],
            metavar="SLUG",
            help="replace only these edited records (their slugs or codes, as the load names them); keep the rest",
        )

    def handle(self, *args, **options) -> None:
        directory = Path(options["dir"])
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory")
        try:
            report = curated_load(
                directory=directory, overwrite=options["overwrite"], overwrite_only=options["overwrite_only"]
            )
        except CuratedLoadError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing was written.") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"Kept as a person left them (edited since the last load): {', '.join(report.kept)}. "
                    "`load_curated --overwrite` replaces them with the fixtures, "
                    "`load_curated --overwrite-only SLUG ...` only the ones named."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"Curated fixtures loaded from {directory}."))
