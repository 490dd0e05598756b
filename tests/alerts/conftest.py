"""Alert fixtures: a real local webhook receiver (a threaded http.server on 127.0.0.1) that checks each delivery's
signature, a real local SMTP server (aiosmtpd) that can be stopped and started, and event writers."""

import email
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from alerts.webhooks import webhooks_fan_out
from portal.changes import change_record, settled_filter
from portal.models import ChangeEvent
from tests.matching.conftest import curated_areas, curated_certifications  # noqa: F401 (fixtures)


@dataclass
class Delivery:
    """One POST the receiver got: its path, headers, body, and whether the signature was right."""

    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got and how it answers: by default 200; `answers[path]` is a list of statuses to use first."""

    url_base: str = ""
    secrets: dict[str, str] = field(default_factory=dict)
    answers: dict[str, list[int]] = field(default_factory=dict)
    hits: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds the receiver takes before it answers

    def url(self, path: str = "/hook") -> str:
        return self.url_base + path

    def accepted(self, path: str = "/hook") -> list[Delivery]:
        """Deliveries answered with a 2xx, in arrival order."""
        return [hit for hit in self.hits if hit.path == path and getattr(hit, "status", 200) < 300]


def signature_valid(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does: check `t=...,v1=...` against HMAC-SHA256(secret, t + "." + body) and the clock."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    if "t" not in parts or "v1" not in parts or abs(time.time() - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(receiver.delay)
            secret = receiver.secrets.get(self.path, "")
            signed = signature_valid(secret, self.headers.get("X-Kakehashi-Signature", ""), body)
            with receiver.lock:
                queue = receiver.answers.get(self.path) or []
                status = queue.pop(0) if queue else 200
                hit = Delivery(path=self.path, headers=dict(self.headers), body=body, signed=signed)
                hit.status = status
                receiver.hits.append(hit)
            self.send_response(status)
            if status in (301, 302, 307, 308):
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url_base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def record_event(kind: str = "opportunity.published", subject_id: int = 1, company_id: int | None = None, **data):
    """A change event as the writers record it (the contract in docs/alerts.md)."""
    slug = data.pop("slug", f"record-{subject_id}")
    payload = {"slug": slug, "title": f"Record {subject_id}", "title_ja": "", "url": f"/opportunities/{slug}/", **data}
    return change_record(
        kind=kind, subject_type="opportunity", subject_id=subject_id, company_id=company_id, data=payload
    )


def wait_until_settled(seconds: float = 300) -> None:
    """Wait until every recorded event is settled. On PostgreSQL the fan-out reads only events of transactions older
    than every transaction still open anywhere on the server (portal.changes), so another database's long
    transaction on a shared server delays them; on SQLite they are settled at once."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + seconds
    while settled_filter(ChangeEvent.objects.all()).count() < ChangeEvent.objects.count():
        if time.monotonic() > deadline:
            raise AssertionError("events still not settled: a transaction somewhere on the server is held open")
        time.sleep(0.2)


def fan_out() -> int:
    """The fan-out once every recorded event is settled."""
    wait_until_settled()
    return webhooks_fan_out()


class Inbox:
    """What the local SMTP server accepted, as parsed messages."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler hook)
        self.raw.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[Message]:
        return [email.message_from_bytes(raw) for raw in self.raw]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a local port; `stop()` makes every connection refused until `start()`."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    """Django mail through a real local SMTP server for the test."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://kakehashi.example"
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://kakehashi.example"


def opportunity_event(kind: str, record, *, changes=None, **data):
    """An event about RECORD as the event writers record it (alerts-common.md's contract)."""
    payload = {
        "slug": record.slug,
        "title": record.title,
        "title_ja": record.title_ja,
        "url": record.get_absolute_url(),
    }
    return change_record(
        kind=kind, subject_type="opportunity", subject_id=record.pk, changes=changes, data={**payload, **data}
    )


def match_event(kind: str, record, company, **data):
    payload = {
        "slug": record.slug,
        "title": record.title,
        "title_ja": record.title_ja,
        "url": record.get_absolute_url(),
    }
    return change_record(
        kind=kind, subject_type="opportunity", subject_id=record.pk, company_id=company.pk,
        data={**payload, "company": company.slug, **data},
    )  # fmt: skip


def notice_event(pk: int, *, countries=(), areas=(), title="A notice"):
    return change_record(
        kind="notice.published", subject_type="notice", subject_id=pk,
        data={"slug": f"notice-{pk}", "title": title, "title_ja": "", "url": f"/notices/notice-{pk}/",
              "countries": list(countries), "areas": list(areas), "opportunities": []},
    )  # fmt: skip
