"""Webhook delivery figures: `python bench/webhooks.py [--events 1000 --endpoints 10]`, JSON lines, never asserted.

Records EVENTS change events in a fresh SQLite database (or the one DATABASE_URL names; the bench's rows are
removed first), creates ENDPOINTS webhook endpoints of one user, all subscribed to every event, on a local receiver
(a threaded http.server in a separate process, on 127.0.0.1), then times the fan-out (one outbox row per event
and endpoint: EVENTS x ENDPOINTS deliveries) and the delivery of all of them through `alerts.webhook_delivery`
(signed POSTs on WEBHOOK_THREADS threads, each settled in the outbox with its attempt logged). The receiver checks
every signature and counts deliveries per Idempotency-Key. Goal (issue 15): >= 200 deliveries per second on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import multiprocessing
import os
import sys
import tempfile
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench-webhooks.sqlite3")
os.environ["WEBHOOK_ALLOW_PRIVATE"] = "1"  # the receiver listens on loopback

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from alerts.models import WebhookEndpoint  # noqa: E402
from alerts.webhook_delivery import webhooks_deliver  # noqa: E402
from alerts.webhooks import webhook_endpoint_create, webhooks_fan_out  # noqa: E402
from portal.changes import changes_record_bulk, settled_filter  # noqa: E402
from portal.models import ChangeEvent, OutboxMessage  # noqa: E402

USERNAME = "bench-webhooks"


def serve(port_queue, secrets: dict[str, str]) -> None:
    """The receiver: 200 for each POST whose signature verifies (401 otherwise); GET /stats reports the counts."""
    seen: dict[str, int] = {}
    bad = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = dict(item.split("=", 1) for item in self.headers.get("X-Kakehashi-Signature", "").split(","))
            secret = secrets[self.path].encode()
            expected = hmac.new(secret, f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(expected, parts.get("v1", ""))
            key = self.headers.get("Idempotency-Key", "")
            if ok:
                seen[key] = seen.get(key, 0) + 1
            else:
                bad[0] += 1
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            counts = list(seen.values())
            stats = {"keys": len(counts), "duplicates": sum(c - 1 for c in counts), "bad_signatures": bad[0]}
            payload = json.dumps(stats).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    ThreadingHTTPServer.request_queue_size = 128  # a real receiver's listen backlog, not http.server's 5
    server = ThreadingHTTPServer(("127.0.0.1", port_queue.get()), Handler)
    server.daemon_threads = True
    port_queue.put("ready")
    server.serve_forever()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_settled(count: int, seconds: float = 600) -> None:
    """On a shared PostgreSQL server another database's open transaction holds back the horizon of settled events
    (portal.changes); wait for it before timing, and say how long it took."""
    started = time.perf_counter()
    bench_events = ChangeEvent.objects.filter(data__slug__startswith="bench-")
    while settled_filter(bench_events).count() < count and time.perf_counter() - started < seconds:
        time.sleep(0.5)
    emit(step="settled", events=count, waited_seconds=round(time.perf_counter() - started, 1))


def emit(**figures) -> None:
    print(json.dumps({"bench": "webhooks", "database": connection.vendor, **figures}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--threads", type=int, default=None, help="send threads (default WEBHOOK_THREADS)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    User.objects.filter(username=USERNAME).delete()
    owner = User.objects.create_user(USERNAME, email="bench@example.com")
    ChangeEvent.objects.filter(data__slug__startswith="bench-").delete()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    endpoints, secrets = [], {}
    for n in range(args.endpoints):
        endpoint, secret = webhook_endpoint_create(owner=owner, url=f"{base}/hook/{n}", events=["*"])
        endpoints.append(endpoint)
        secrets[f"/hook/{n}"] = secret
    queue = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=serve, args=(queue, secrets), daemon=True)
    receiver.start()
    queue.put(port)
    time.sleep(0.1)
    assert queue.get(timeout=10) == "ready"

    events = [
        ChangeEvent(
            kind="opportunity.changed",
            subject_type="opportunity",
            subject_id=n,
            changes={"closes_on": {"old": "2027-01-10", "new": "2027-02-01"}},
            data={
                "slug": f"bench-{n}",
                "title": f"Bench record {n}",
                "title_ja": "",
                "url": f"/opportunities/bench-{n}/",
            },
        )
        for n in range(1, args.events + 1)
    ]
    changes_record_bulk(events)
    wait_for_settled(len(events))

    started = time.perf_counter()
    queued = webhooks_fan_out()
    fan_out = time.perf_counter() - started
    emit(step="fan_out", deliveries=queued, endpoints=args.endpoints, seconds=round(fan_out, 2))

    started = time.perf_counter()
    report = webhooks_deliver(threads=args.threads)
    seconds = time.perf_counter() - started
    with urllib.request.urlopen(f"{base}/stats", timeout=10) as answer:  # noqa: S310 (our own receiver)
        stats = json.loads(answer.read())
    emit(
        step="deliver",
        deliveries=queued,
        sent=report.sent,
        failed=report.failed,
        seconds=round(seconds, 2),
        per_second=round(report.sent / seconds, 1),
        threads=args.threads or django.conf.settings.WEBHOOK_THREADS,
        receiver=stats,
        cpus=os.cpu_count(),
    )
    errors = OutboxMessage.objects.filter(channel="webhook", user=owner).exclude(status="sent")
    emit(step="errors", errors=sorted({message.last_error for message in errors})[:5])
    receiver.terminate()
    WebhookEndpoint.objects.filter(owner=owner).delete()
    User.objects.filter(username=USERNAME).delete()


if __name__ == "__main__":
    main()
