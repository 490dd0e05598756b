"""A local HTTP server whose pages each test sets: never the internet."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal import http


@dataclass
class Page:
    """What the server answers for one path; `etag` makes it answer 304 to a matching If-None-Match."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str = ""
    location: str = ""
    delay: float = 0.0
    chunks: int = 0  # >0: stream this many 1 MB chunks instead of BODY (a huge page)


@dataclass
class SiteState:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: SiteState

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state  # type: ignore[attr-defined]
        with state.lock:
            state.hits.append((self.path, dict(self.headers)))
            state.active += 1
            state.most_active = max(state.most_active, state.active)
        try:
            self._answer(state.pages.get(self.path))
        finally:
            with state.lock:
                state.active -= 1

    def _answer(self, page: Page | None) -> None:
        if page is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if page.delay:
            time.sleep(page.delay)
        if page.etag and self.headers.get("If-None-Match") == page.etag:
            self.send_response(304)
            self.send_header("ETag", page.etag)
            self.end_headers()
            return
        self.send_response(page.status)
        if page.location:
            self.send_header("Location", page.location)
        if page.etag:
            self.send_header("ETag", page.etag)
        self.send_header("Content-Type", page.content_type)
        if page.chunks:
            self.end_headers()  # no Content-Length: the client must count as it reads
            try:
                for _ in range(page.chunks):
                    self.wfile.write(b"x" * (1024 * 1024))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        self.wfile.write(page.body)


@dataclass
class Site:
    """The running server: set pages with `site.pages[path] = Page(...)`, read `site.url(path)`."""

    server: ThreadingHTTPServer
    state: SiteState

    @property
    def pages(self) -> dict[str, Page]:
        return self.state.pages

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def site() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.state = SiteState()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    http.forget_robots()
    try:
        yield Site(server=server, state=server.state)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        http.forget_robots()


def html(body: str, footer: str = "Last updated 1 December 2026") -> bytes:
    """A page with a navigation bar and a footer, as official sites have."""
    return (
        f"<html><head><title>t</title><script>var t={time.time()}</script></head><body>"
        f"<nav>Home | About</nav><main>{body}</main><footer><p>{footer}</p></footer></body></html>"
    ).encode()
