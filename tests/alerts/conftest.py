"""Alert fixtures: a real local SMTP server (aiosmtpd) that can be stopped and started, and event writers."""

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from portal.changes import change_record


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
