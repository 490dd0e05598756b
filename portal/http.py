"""The one client for other people's servers: source pages and webhook deliveries (DESIGN.md, shared mechanisms).

Every request has a timeout and a size cap, follows no redirect (the caller sees it and decides), refuses
addresses on private, loopback or link-local networks unless SOURCES_ALLOW_PRIVATE is set (tests and development),
sends a plain user agent with a contact address, honours robots.txt and makes at most one request at a time per
host in this process. Conditional GET: pass the ETag and Last-Modified of the last answer and a 304 comes back as
`not_modified`.

DNS rebinding: the host name is resolved once, every address is checked, and the connection is pinned to the
checked addresses (never resolved again), while the Host header, TLS SNI and certificate check still use the name.
The address the socket really reached is checked again before a byte is sent. No proxy from the environment is
used: a proxy would connect on our behalf to whatever the name resolves to then.
"""

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

ROBOTS_CACHE_SECONDS = 3600


class FetchError(Exception):
    """A fetch that failed; `kind` says how (dns, timeout, tls, connection, refused, robots, too_large, http)."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, address: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.address = address  # a refused non-public address, for callers that say why in the reader's language


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


def address_allowed(address: str, allow_private: bool | None = None) -> bool:
    """True for a public unicast address, or for any address when private ones are allowed.

    An IPv6 address that carries an IPv4 one (NAT64's 64:ff9b::/96, 6to4's 2002::/16, ::ffff:a.b.c.d) is public
    only if that IPv4 address is: 64:ff9b::a00:5 is 10.0.0.5 behind a NAT64 gateway.

    ALLOW_PRIVATE defaults to SOURCES_ALLOW_PRIVATE; webhooks pass WEBHOOK_ALLOW_PRIVATE.
    """
    if settings.SOURCES_ALLOW_PRIVATE if allow_private is None else allow_private:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in network for network in IPV6_REFUSED):
            return False
        embedded = _embedded_ipv4(ip)
        return embedded is None or address_allowed(str(embedded), allow_private=False)
    return True


# IPv6 networks Python's `is_global` counts as public that lead to no public site of their own: IPv4-compatible
# addresses (::a.b.c.d, deprecated by RFC 4291) and the local-use NAT64 prefix (RFC 8215), whose IPv4 part may sit
# anywhere in the address. Refused whole.
IPV6_REFUSED = (ipaddress.IPv6Network("::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
# The well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d is a.b.c.d reached through the network's NAT64 gateway,
# which on an IPv6-only host (a cloud subnet with DNS64) reaches the private IPv4 networks around it too.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one leads to (NAT64, mapped, 6to4), for the IPv4 rule; None for a plain IPv6 one."""
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour  # 2002:a.b.c.d::/48 (RFC 3056)


# Names reserved for a machine or a local network, never a public site (RFC 6761, RFC 6762, RFC 8375).
LOCAL_NAME_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


def host_is_public(host: str) -> bool:
    """Whether HOST, as written, names a public internet host, without resolving it: a public IP address (the rule
    `address_allowed` applies to every resolved address), or a dotted name outside those reserved for local use.

    An address in one of the short forms C's inet_aton reads, which browsers and resolvers also accept (127.1,
    0177.0.0.1, 0x7f.1, 2130706433: all 127.0.0.1; 10.1 is 10.0.0.1), is refused whatever it stands for, as is a name
    whose last label is all digits: no public site is written so, and the form hides where it leads."""
    try:
        return address_allowed(host, allow_private=False)
    except ValueError:  # not an IP address as written in full: a name, or a short form of one
        name = host.rstrip(".").lower()
        return (
            "." in name
            and not name.endswith(LOCAL_NAME_SUFFIXES)
            and not name.rsplit(".", 1)[-1].isdigit()
            and not _inet_aton_form(name)
        )


def _inet_aton_form(name: str) -> bool:
    try:
        socket.inet_aton(name)
    except (OSError, ValueError):
        return False
    return True


def check_address(url: str, *, allow_private: bool | None = None) -> tuple[str, ...]:
    """The addresses URL's host resolves to, each checked; refuse non-http(s) URLs and any non-public address.

    Resolved once: the connection is then pinned to these addresses (see `fetch`), so a name that answers a public
    address now and 127.0.0.1 a moment later (DNS rebinding) never reaches 127.0.0.1.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("refused", f"only http and https addresses are fetched, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns", f"{parts.hostname}: {exc}") from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not address_allowed(address, allow_private):
            message = f"{parts.hostname} resolves to a non-public address ({address})"
            raise FetchError("refused", message, address=address)
    if not addresses:
        raise FetchError("dns", f"{parts.hostname}: no address")
    return addresses


class _PinnedConnection:
    """A urllib3 connection that connects only to the checked addresses and checks the peer it reached."""

    pinned: tuple[str, ...] = ()
    allow_private: bool | None = None

    def _new_conn(self) -> socket.socket:
        name = self._dns_host  # type: ignore[has-type]
        try:
            return self._connect_pinned()
        finally:
            # urllib3's `host` reads _dns_host: put the name back for SNI, the certificate check and the Host header.
            self._dns_host = name

    def _connect_pinned(self) -> socket.socket:
        failure: Exception | None = None
        for address in self.pinned:
            self._dns_host = address  # where the socket connects to
            try:
                sock = super()._new_conn()  # type: ignore[misc]
            except NewConnectionError as exc:
                failure = exc
                continue
            peer = str(sock.getpeername()[0])
            if not address_allowed(peer, self.allow_private) or ipaddress.ip_address(peer) not in _ips(self.pinned):
                sock.close()
                raise FetchError("refused", f"the connection reached {peer}, not a checked address")
            return sock
        raise failure or FetchError("dns", "no address to connect to")


def _ips(addresses: tuple[str, ...]) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    return {ipaddress.ip_address(address.split("%", 1)[0]) for address in addresses}


class _PinnedAdapter(HTTPAdapter):
    """Requests' adapter whose connection pools use connections pinned to ADDRESSES."""

    def __init__(self, addresses: tuple[str, ...], allow_private: bool | None = None) -> None:
        self._addresses = addresses
        self._allow_private = allow_private
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        pinned = {"pinned": self._addresses, "allow_private": self._allow_private}
        http_conn = type("PinnedHTTPConnection", (_PinnedConnection, HTTPConnection), pinned)
        https_conn = type("PinnedHTTPSConnection", (_PinnedConnection, HTTPSConnection), pinned)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }


def _pinned_session(addresses: tuple[str, ...], allow_private: bool | None = None) -> requests.Session:
    """A session for one fetch, connecting only to ADDRESSES (already checked) and ignoring proxy variables."""
    session = requests.Session()
    session.trust_env = False
    adapter = _PinnedAdapter(addresses, allow_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def fetch(url: str, *, etag: str = "", last_modified: str = "", robots: bool = True) -> FetchResult:
    """GET URL under the rules above; raise FetchError on any failure, return redirects and 304s as results."""
    addresses = check_address(url)  # the one resolution: the connection below is pinned to these
    if robots and not robots_allow(url):
        raise FetchError("robots", f"robots.txt of {urlsplit(url).hostname} disallows {url}")
    headers = {"User-Agent": user_agent(), "Accept": "text/html,application/pdf;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with host_lock(urlsplit(url).netloc):
        return _get(url, headers, addresses)


@contextmanager
def _failures_named(url: str, timeout: float) -> Iterator[None]:
    """Requests' TLS, timeout and connection errors as FetchErrors of those kinds."""
    try:
        yield
    except requests.exceptions.SSLError as exc:
        raise FetchError("tls", f"TLS error from {url}: {exc}") from exc
    except requests.exceptions.Timeout as exc:
        raise FetchError("timeout", f"no answer from {url} within {timeout} s") from exc
    except requests.exceptions.ConnectionError as exc:
        raise FetchError("connection", f"could not connect to {url}: {exc}") from exc


def _get(url: str, headers: dict[str, str], addresses: tuple[str, ...] | None = None) -> FetchResult:
    timeout = settings.SOURCES_TIMEOUT_SECONDS
    session = _pinned_session(addresses or check_address(url))
    with _failures_named(url, timeout):
        with (
            session,
            session.get(url, headers=headers, timeout=timeout, allow_redirects=False, stream=True) as response,
        ):
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
    """POST BODY to URL under the rules above (webhooks), pinned to the checked addresses like `fetch`: the answer's
    status, its body unread; a redirect is returned with `redirect_to` set, never followed; FetchError for a refused
    address or a failed connection."""
    addresses = check_address(url, allow_private=allow_private)
    session = _pinned_session(addresses, allow_private)
    with _failures_named(url, timeout):
        with (
            session,
            session.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            ) as response,
        ):
            result = FetchResult(url=url, status=response.status_code, headers=dict(response.headers))
            if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
                result.redirect_to = urljoin(url, response.headers.get("Location", ""))
            return result


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
