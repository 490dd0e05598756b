"""`manage.py deliver_webhooks [--sync]`: fan new change events out to webhook endpoints and deliver what is due."""

from django.core.management.base import BaseCommand

from alerts.tasks import deliver_webhooks as deliver_webhooks_task
from alerts.webhook_delivery import webhooks_deliver
from alerts.webhooks import webhooks_fan_out


class Command(BaseCommand):
    help = "Put new change events in the webhook outbox and deliver due webhooks (--sync here; else via Celery)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sync", action="store_true", help="Run here and now instead of enqueueing the task.")

    def handle(self, *args, **options) -> None:
        if not options["sync"]:
            result = deliver_webhooks_task.delay()
            self.stdout.write(f"Enqueued webhook delivery (task {result.id}).")
            return
        queued = webhooks_fan_out()
        report = webhooks_deliver()
        self.stdout.write(
            f"{queued} deliveries queued, {report.sent} sent, {report.failed} failed (to be retried unless expired), "
            f"{len(report.disabled)} endpoints disabled."
        )
