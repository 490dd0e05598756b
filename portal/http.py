"""The one client for other people's servers: source pages (`fetch`), webhooks (`post`) (DESIGN.md, shared mechanisms).

Every request has a timeout and a size cap, follows no redirect (the caller sees it and decides), refuses
addresses on private, loopback or link-local networks unless SOURCES_ALLOW_PRIVATE is set (tests and development),
sends a plain user agent with a contact address, honours robots.txt and makes at most one request at a time per
host in this process. Conditional GET: pass the ETag and Last-Modified of the last answer and a 304 comes back as
`not_modified`.
"""

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

ROBOTS_CACHE_SECONDS = 3600


class FetchError(Exception):
    """A fetch that failed; `kind` says how (dns, timeout, tls, connection, refused, robots, too_large, http)."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass
class FetchResult:
    """One answer: its status, body (empty for 304 and redirects), validators and any redirect target."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    redirect_to: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


_host_locks: dict[str, threading.Lock] = {}
_host_locks_guard = threading.Lock()
_robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}


def user_agent() -> str:
    """A plain user agent naming the portal and who to write to."""
    return f"KakehashiSourceChecker/1.0 (+mailto:{settings.SOURCES_CONTACT})"


def host_lock(host: str) -> threading.Lock:
    """The lock that keeps this process to one request at a time per host."""
    with _host_locks_guard:
        return _host_locks.setdefault(host.lower(), threading.Lock())


def check_address(url: str, *, allow_private: bool | None = None) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a private, loopback or link-local address.

    ALLOW_PRIVATE defaults to SOURCES_ALLOW_PRIVATE; webhooks pass WEBHOOK_ALLOW_PRIVATE.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("refused", f"only http and https addresses are fetched, not {url!r}")
    if settings.SOURCES_ALLOW_PRIVATE if allow_private is None else allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError("dns", f"{parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise FetchError("refused", f"{parts.hostname} resolves to a non-public address ({address})")


def fetch(url: str, *, etag: str = "", last_modified: str = "", robots: bool = True) -> FetchResult:
    """GET URL under the rules above; raise FetchError on any failure, return redirects and 304s as results."""
    check_address(url)
    if robots and not robots_allow(url):
        raise FetchError("robots", f"robots.txt of {urlsplit(url).hostname} disallows {url}")
    headers = {"User-Agent": user_agent(), "Accept": "text/html,application/pdf;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with host_lock(urlsplit(url).netloc):
        return _get(url, headers)


def _get(url: str, headers: dict[str, str]) -> FetchResult:
    timeout = settings.SOURCES_TIMEOUT_SECONDS
    try:
        with requests.get(url, headers=headers, timeout=timeout, allow_redirects=False, stream=True) as response:
            result = FetchResult(
                url=url,
                status=response.status_code,
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                headers=dict(response.headers),
            )
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                result.redirect_to = urljoin(url, response.headers.get("Location", ""))
                return result
            if response.status_code >= 400:
                raise FetchError("http", f"HTTP {response.status_code} from {url}", status=response.status_code)
            if response.status_code != 304:
                result.body = _read_capped(response, url)
            return result
    except requests.exceptions.SSLError as exc:
        raise FetchError("tls", f"TLS error from {url}: {exc}") from exc
    except requests.exceptions.Timeout as exc:
        raise FetchError("timeout", f"no answer from {url} within {timeout} s") from exc
    except requests.exceptions.ConnectionError as exc:
        raise FetchError("connection", f"could not connect to {url}: {exc}") from exc


def _read_capped(response: requests.Response, url: str) -> bytes:
    """The body, refused as soon as it passes SOURCES_MAX_BYTES (never held whole in memory past the cap)."""
    cap = settings.SOURCES_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError("too_large", f"{url} declares {declared} bytes, over the {cap}-byte cap")
    chunks, size = [], 0
    deadline = time.monotonic() + settings.SOURCES_TIMEOUT_SECONDS * 3
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > cap:
            chunks.clear()  # the error's traceback keeps this frame alive; never the page with it
            raise FetchError("too_large", f"{url} is over the {cap}-byte cap")
        if time.monotonic() > deadline:
            raise FetchError("timeout", f"{url} took too long to send its body")
        chunks.append(chunk)
    return b"".join(chunks)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> FetchResult:
    """POST BODY to URL under the rules above (webhooks): the answer's status, its body unread; a redirect is returned
    with `redirect_to` set, never followed; FetchError for a refused address or a failed connection."""
    check_address(url, allow_private=allow_private)
    try:
        with requests.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
        ) as response:
            result = FetchResult(url=url, status=response.status_code, headers=dict(response.headers))
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                result.redirect_to = urljoin(url, response.headers.get("Location", ""))
            return result
    except requests.exceptions.SSLError as exc:
        raise FetchError("tls", f"TLS error from {url}: {exc}") from exc
    except requests.exceptions.Timeout as exc:
        raise FetchError("timeout", f"no answer from {url} within {timeout} s") from exc
    except requests.exceptions.ConnectionError as exc:
        raise FetchError("connection", f"could not connect to {url}: {exc}") from exc


def robots_allow(url: str) -> bool:
    """True unless the host's robots.txt disallows our user agent; an unreadable or missing file allows."""
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    cached = _robots.get(root)
    if cached is None or cached[0] < time.monotonic():
        cached = (time.monotonic() + ROBOTS_CACHE_SECONDS, _read_robots(root))
        _robots[root] = cached
    parser = cached[1]
    return parser is None or parser.can_fetch(user_agent(), url)


def _read_robots(root: str) -> urllib.robotparser.RobotFileParser | None:
    try:
        with host_lock(urlsplit(root).netloc):
            result = _get(f"{root}/robots.txt", {"User-Agent": user_agent()})
    except FetchError:
        return None
    if result.status != 200:
        return None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(result.body.decode("utf-8", "replace").splitlines())
    return parser


def forget_robots() -> None:
    """Drop cached robots.txt files (tests, and after a host changes its rules)."""
    _robots.clear()
