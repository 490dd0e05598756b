"""Endpoints disabled automatically before 0003 kept only an English sentence; read it back into its item.

Until then the sentence was written as "a delivery failed for 24 hours; last error: <error>" or
"<n> rounds failed; last error: <error>" (alerts/webhook_delivery.py at that time). Both are parsed into the items
the code writes now, so pages and emails render them in the reader's language. A text in neither form is left as it
is: the page shows it unchanged.
"""

import re

from django.db import migrations

DAY = re.compile(r"a delivery failed for 24 hours; last error: (?P<error>.*)\Z", re.S)
ROUNDS = re.compile(r"(?P<count>\d+) rounds failed; last error: (?P<error>.*)\Z", re.S)


def item_of(reason: str) -> dict | None:
    """The explanation item an old automatic REASON stands for, or None."""
    if found := DAY.match(reason):
        return {"code": "webhook.failed_for_a_day", "params": {"error": found["error"]}}
    if found := ROUNDS.match(reason):
        return {"code": "webhook.rounds_failed", "params": {"count": int(found["count"]), "error": found["error"]}}
    return None


def automatic_reasons_as_items(apps, schema_editor):
    endpoint = apps.get_model("alerts", "WebhookEndpoint")
    for row in endpoint.objects.filter(active=False).exclude(disabled_reason=""):
        detail = item_of(row.disabled_reason)
        if not row.disabled_detail and detail is not None:
            endpoint.objects.filter(pk=row.pk).update(disabled_detail=detail)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_webhook_disabled_detail"),
    ]

    operations = [
        migrations.RunPython(automatic_reasons_as_items, migrations.RunPython.noop),
    ]
