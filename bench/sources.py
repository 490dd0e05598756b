"""Source-check figures: `python bench/sources.py [--sources 2000]`, printed as JSON lines, never asserted.

Serves SOURCES pages from four local hosts (127.0.0.1-4), records one watched source per page in a fresh SQLite
database (or the one DATABASE_URL names, replacing earlier `bench-sources` rows), takes a first pass to learn every
page, then times the second pass over a realistic mix: 70 % answer 304, 25 % answer 200 with the same text and a new
footer date, 5 % changed. Prints the seconds, the outcomes and the most connections any one host saw at once. Then
serves 20 pages of 50 MB (from a separate process) and prints the checker's peak memory before and after they
are refused. Goals: docs/sources.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench-sources.sqlite3")
os.environ["SOURCES_ALLOW_PRIVATE"] = "1"  # the bench serves its pages on loopback

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from programmes.models import Opportunity, Source  # noqa: E402
from sources.models import SourceWatch  # noqa: E402
from sources.services import sources_check  # noqa: E402

HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]


class Pages:
    """What each path answers in the current pass, and how many connections each host has open."""

    def __init__(self) -> None:
        self.phase = "learn"
        self.active: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.lock = threading.Lock()

    def enter(self, host: str) -> None:
        with self.lock:
            self.active[host] = self.active.get(host, 0) + 1
            self.most[host] = max(self.most.get(host, 0), self.active[host])

    def leave(self, host: str) -> None:
        with self.lock:
            self.active[host] -= 1


PAGES = Pages()
BODY = "<html><body><main>{text}</main><footer>Last updated {stamp}</footer></body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        host = self.server.server_address[0]
        PAGES.enter(host)
        try:
            self._answer()
        finally:
            PAGES.leave(host)

    def _answer(self) -> None:
        if self.path == "/robots.txt":
            return self._send(404, b"")
        if self.path.startswith("/huge/"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(50):
                    self.wfile.write(b"x" * (1024 * 1024))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        number = int(self.path.rsplit("/", 1)[-1])
        slot = number % 100
        etag = f'"page-{number}"' if slot < 70 else ""
        if etag and self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", etag=etag)
        text = f"Page {number}: calls open in March; budget JPY {number} million."
        if PAGES.phase == "mix" and slot >= 95:
            text += " Closing date moved to 13 February."
        stamp = time.strftime("%d %B %Y %H:%M:%S")
        return self._send(200, BODY.format(text=text, stamp=stamp).encode(), etag=etag)

    def _send(self, status: int, body: bytes, etag: str = "") -> None:
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(host: str, *, own_process: bool = False) -> ThreadingHTTPServer:
    """A server on HOST; in its own (forked) process when its memory must not count as the checker's."""
    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    if own_process:
        multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True).start()
    else:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@transaction.atomic
def seed(count: int, servers: list[ThreadingHTTPServer], *, prefix: str) -> None:
    """One bench record per 100 sources, one source and watch per page, spread over the hosts."""
    Opportunity.objects.filter(slug__startswith="bench-sources").delete()
    records = [
        Opportunity.objects.create(slug=f"bench-sources-{n}", kind="programme", title=f"Bench {n}", summary="Bench.")
        for n in range(count // 100 + 1)
    ]
    sources = []
    for number in range(count):
        host, port = servers[number % len(servers)].server_address[:2]
        url = f"http://{host}:{port}/{prefix}/{number}"
        sources.append(Source(opportunity=records[number // 100], url=url, publisher="Bench"))
    Source.objects.bulk_create(sources)
    SourceWatch.objects.bulk_create([SourceWatch(source=source) for source in Source.objects.filter(publisher="Bench")])


def make_due() -> None:
    SourceWatch.objects.update(next_check_at=None)


def peak_rss_mb() -> float:
    """The process's peak resident memory since the last reset_peak() (Linux VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak() -> None:
    """Start a new peak-memory window (Linux: writing 5 to clear_refs resets VmHWM)."""
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    servers = [serve(host) for host in HOSTS]
    seed(args.sources, servers, prefix="page")

    started = time.monotonic()
    learned = sources_check()
    print(json.dumps({"figure": "first_pass_s", "value": round(time.monotonic() - started, 1),
                      "outcomes": dict(learned.counts)}))  # fmt: skip

    PAGES.phase, PAGES.most = "mix", {}
    make_due()
    started = time.monotonic()
    report = sources_check()
    print(json.dumps({"figure": "check_sources_mix_s", "sources": args.sources,
                      "value": round(time.monotonic() - started, 1), "outcomes": dict(report.counts),
                      "most_connections_per_host": max(PAGES.most.values())}))  # fmt: skip

    Source.objects.filter(publisher="Bench").delete()
    seed(20, [serve("127.0.0.5", own_process=True)], prefix="huge")
    reset_peak()
    before = peak_rss_mb()
    started = time.monotonic()
    refused = sources_check()
    print(json.dumps({"figure": "huge_pages_refused", "pages": 20, "size_mb": 50,
                      "value": round(time.monotonic() - started, 1), "outcomes": dict(refused.counts),
                      "peak_rss_mb_before": before, "peak_rss_mb_after": peak_rss_mb(),
                      "cap_mb": round(django.conf.settings.SOURCES_MAX_BYTES / 1024 / 1024, 1),
                      "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}))  # fmt: skip


if __name__ == "__main__":
    main()
