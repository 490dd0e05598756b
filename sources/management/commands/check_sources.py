"""`manage.py check_sources [--source ID] [--sync] [--limit N]`: fetch due sources and record what changed."""

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources import services


class Command(BaseCommand):
    help = "Fetch every due source (or one, due or not) and record changes; --sync runs here, not on the workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=int, metavar="ID", help="check this source (its id) now")
        parser.add_argument("--sync", action="store_true", help="run in this process, not through Celery")
        parser.add_argument("--limit", type=int, metavar="N", help="check at most N due sources")

    def handle(self, *args: Any, **options: Any) -> None:
        try:  # before queueing too: a worker's refusal would go unseen
            services.sources_limit_check(options["limit"])
        except ValidationError as error:
            raise CommandError(f"--limit: {' '.join(error.messages)}") from error
        if not options["sync"]:
            from sources.tasks import check_due_sources_task, check_source_task

            if options["source"]:
                check_source_task.delay(options["source"])
            else:
                check_due_sources_task.delay(limit=options["limit"])
            self.stdout.write("queued; the workers record the results (see the admin's source queue)")
            return
        started = time.monotonic()
        try:
            report = services.sources_check(source_id=options["source"], limit=options["limit"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{report.line()} in {time.monotonic() - started:.1f} s")
