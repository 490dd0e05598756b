"""`manage.py load_notices [FILE]`: load the curated notices (fixtures/notices.yaml by default)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notices.services import notices_load


class Command(BaseCommand):
    help = "Load the curated notices; nothing is written if any notice is invalid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures" / "notices.yaml"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = notices_load(path=Path(options["file"]))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{count} notices loaded")
