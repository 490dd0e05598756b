"""Two requests at once for the same webhook URL (a double-clicked add form) make one endpoint, on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from alerts import webhooks
from alerts.models import WebhookEndpoint
from tests.concurrency import at_once
from tests.factories import UserFactory

URL = "https://crm.example.com/kakehashi"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_adds_of_the_same_url_at_once_make_one_endpoint(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL: the owner's row lock is what this proves")
    owner = UserFactory(username="double-clicker")
    both_checked = threading.Barrier(2, timeout=20)
    # Both requests pass the early checks before either saves, as two requests a few milliseconds apart do while
    # each waits for DNS.
    monkeypatch.setattr(webhooks, "webhook_url_check", lambda url: both_checked.wait())
    made, refused = [], []

    def add() -> None:
        try:
            made.append(webhooks.webhook_endpoint_create(owner=owner, url=URL, events=["*"])[0].pk)
        except ValidationError as error:
            refused.append(error.message_dict["url"][0])

    at_once(add, timeout=60)

    assert len(made) == 1 and refused == [f"You already have endpoint {made[0]} for this URL."]
    assert list(WebhookEndpoint.objects.filter(owner=owner).values_list("pk", flat=True)) == made
