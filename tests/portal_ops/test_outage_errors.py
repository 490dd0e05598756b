"""When the database or the queue is down, people and clients get a 503 to retry, never a bare 500."""

import pytest
from django.db import OperationalError
from django.test import Client

from programmes.models import OpportunityQuerySet


@pytest.fixture
def raising_client():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    def down(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(OpportunityQuerySet, "visible_to", down)


def test_a_page_answers_503_with_retry_after_when_the_database_is_down(raising_client, db, database_down):
    response = raising_client.get("/opportunities/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Briefly unavailable" in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()  # no connection details leak


def test_the_api_answers_json_503_when_the_database_is_down(raising_client, db, database_down):
    response = raising_client.get("/api/v1/opportunities/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "briefly unavailable" in response.json()["detail"]


def test_an_ordinary_bug_is_still_a_500(raising_client, db, monkeypatch):
    def bug(self, *args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(OpportunityQuerySet, "visible_to", bug)
    response = raising_client.get("/opportunities/")
    assert response.status_code == 500
    assert "Retry-After" not in response
