"""`manage.py deliver_emails`: send the outbox's due emails now (the beat does this every minute)."""

import json
from typing import Any

from django.core.management.base import BaseCommand

from alerts.emails import emails_deliver


class Command(BaseCommand):
    help = "Send due outbox emails (digests, reminders), retrying failed ones whose back-off has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(emails_deliver()))
