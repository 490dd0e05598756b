"""Health check for load balancers: is the database reachable, and the broker when one is configured."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.celery import app as celery_app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 (any failure means unhealthy; the reason stays in the logs)
        return False
    return True


def _broker_state() -> str:
    """'ok', 'down', or 'eager' when tasks run in-process (no REDIS_URL)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """JSON status of the database and broker; 503 when either is down. Says nothing about configuration."""
    started = time.monotonic()
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    healthy = database == "ok" and broker != "down"
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": database,
        "broker": broker,
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
