"""Two email senders at once on PostgreSQL: SKIP LOCKED gives each row to one of them; each digest arrives once."""

import pytest
from django.db import connection

from alerts.emails import emails_deliver
from portal.models import OutboxMessage
from tests.concurrency import at_once
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_deliver_each_digest_exactly_once(smtp):
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL: SKIP LOCKED claims are what this proves")
    for n in range(40):
        user = UserFactory(username=f"reader{n}")
        OutboxMessage.objects.create(
            key=f"digest:{user.pk}:daily:2026-12-02", channel="email", kind="digest", user=user,
            payload={"period": "daily", "language": "en", "items": [
                {"section": "notices", "kind": "notice.published", "title": f"Notice {n}", "url": "/notices/n/"}
            ]},
        )  # fmt: skip
    results = []

    at_once(lambda: results.append(emails_deliver(limit=5)))

    ids = [mail["Message-ID"] for mail in smtp.inbox.messages]
    assert len(ids) == len(set(ids)) == 40
    assert sum(result["sent"] for result in results) == 40
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
