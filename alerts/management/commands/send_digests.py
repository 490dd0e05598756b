"""`manage.py send_digests [--period daily|weekly] [--sync]`: queue due reminders and digests, then send them."""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alerts.digests import PERIODS
from alerts.services import digests_send


class Command(BaseCommand):
    help = "Queue deadline reminders and each due user's digest of the period, then send them (--sync: here)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", choices=PERIODS, default="daily", help="which digests (default: daily)")
        parser.add_argument("--sync", action="store_true", help="build and send in this process, not on the workers")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["sync"]:
            from alerts.tasks import send_digests_task

            send_digests_task.delay(period=options["period"])
            self.stdout.write("queued; the workers build and send the digests")
            return
        started = time.monotonic()
        report = digests_send(period=options["period"])
        if report is None:
            self.stdout.write("another run of these digests is in progress; nothing done")
            return
        report["seconds"] = round(time.monotonic() - started, 2)
        self.stdout.write(json.dumps(report))
