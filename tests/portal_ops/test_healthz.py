"""/healthz tells a load balancer whether the database and broker answer, and nothing else."""

import json

from django.db import connection


def test_healthz_reports_database_and_eager_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "eager"
    assert set(body) == {"status", "database", "broker", "duration_ms"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_when_the_broker_is_unreachable(client, db, settings):
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"
