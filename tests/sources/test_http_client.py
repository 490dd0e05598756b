"""The one HTTP client: size cap, timeouts, no silent redirects, private addresses refused, robots.txt, 304s."""

import socket
import ssl
import subprocess
import threading

import pytest
import urllib3.util.connection

from portal import http
from tests.sources.conftest import Page


def test_a_page_is_fetched_with_a_plain_user_agent_naming_a_contact(site, settings):
    settings.SOURCES_CONTACT = "curators@example.org"
    site.pages["/a"] = Page(body=b"<p>hello</p>", etag='"v1"')
    result = http.fetch(site.url("/a"))
    assert result.status == 200 and result.body == b"<p>hello</p>" and result.etag == '"v1"'
    path, headers = site.state.hits[-1]
    assert path == "/a" and headers["User-Agent"] == "KakehashiSourceChecker/1.0 (+mailto:curators@example.org)"


def test_a_conditional_get_sends_the_etag_and_returns_not_modified(site):
    site.pages["/a"] = Page(body=b"<p>hello</p>", etag='"v1"')
    result = http.fetch(site.url("/a"), etag='"v1"', last_modified="Tue, 01 Dec 2026 00:00:00 GMT")
    assert result.not_modified and result.body == b""
    headers = site.state.hits[-1][1]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == "Tue, 01 Dec 2026 00:00:00 GMT"


def test_a_redirect_is_returned_not_followed(site):
    site.pages["/old"] = Page(status=301, location="/new")
    site.pages["/new"] = Page(body=b"moved here")
    result = http.fetch(site.url("/old"))
    assert result.status == 301 and result.redirect_to == site.url("/new")
    assert [path for path, _ in site.state.hits if path != "/robots.txt"] == ["/old"]


def test_a_page_over_the_size_cap_is_refused_while_reading(site, settings):
    settings.SOURCES_MAX_BYTES = 2 * 1024 * 1024
    site.pages["/huge"] = Page(chunks=50)  # 50 MB, no Content-Length
    with pytest.raises(http.FetchError) as error:
        http.fetch(site.url("/huge"))
    assert error.value.kind == "too_large"


def test_a_slow_server_times_out(site, settings):
    settings.SOURCES_TIMEOUT_SECONDS = 1
    site.pages["/slow"] = Page(body=b"late", delay=2.5)
    with pytest.raises(http.FetchError) as error:
        http.fetch(site.url("/slow"))
    assert error.value.kind == "timeout"


def test_an_http_error_names_its_status(site):
    with pytest.raises(http.FetchError) as error:
        http.fetch(site.url("/missing"))
    assert error.value.kind == "http" and error.value.status == 404


def test_loopback_and_private_addresses_are_refused_unless_allowed(site, settings):
    settings.SOURCES_ALLOW_PRIVATE = False
    for url in (site.url("/a"), "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        with pytest.raises(http.FetchError) as error:
            http.fetch(url)
        assert error.value.kind == "refused", url
    assert site.state.hits == []


def test_other_schemes_are_refused(settings):
    with pytest.raises(http.FetchError) as error:
        http.fetch("file:///etc/passwd")
    assert error.value.kind == "refused"


def test_robots_txt_is_honoured(site):
    site.pages["/robots.txt"] = Page(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.pages["/private/page"] = Page(body=b"secret")
    site.pages["/public"] = Page(body=b"fine")
    with pytest.raises(http.FetchError) as error:
        http.fetch(site.url("/private/page"))
    assert error.value.kind == "robots"
    assert http.fetch(site.url("/public")).body == b"fine"
    assert "/private/page" not in [path for path, _ in site.state.hits]


# --- DNS rebinding: the address checked is the address connected to -------------------------------------------

PUBLIC = "93.184.216.34"  # any public address; the tests below never let a connection reach it


class Resolver:
    """A DNS stub: NAME answers ANSWERS in turn (the last one from then on); every other name resolves as usual."""

    def __init__(self, monkeypatch, name: str, answers: list[str]) -> None:
        self.name, self.answers, self.calls = name, answers, 0
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host != self.name:
            return self._real(host, port, *args, **kwargs)
        address = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@pytest.fixture
def connects(monkeypatch):
    """Every address the client opens a socket to; a public one is refused on the spot (no internet in tests)."""
    opened: list[str] = []
    real = urllib3.util.connection.create_connection

    def create_connection(address, *args, **kwargs):
        opened.append(address[0])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"tests never connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return opened


def test_a_name_rebinding_to_loopback_after_the_check_never_reaches_it(site, settings, monkeypatch, connects):
    settings.SOURCES_ALLOW_PRIVATE = False
    site.pages["/admin"] = Page(body=b"internal")
    resolver = Resolver(monkeypatch, "rebind.test", [PUBLIC, "127.0.0.1"])
    port = site.server.server_address[1]

    with pytest.raises(http.FetchError) as error:
        http.fetch(f"http://rebind.test:{port}/admin", robots=False)

    assert error.value.kind == "connection"  # it tried the checked public address, and only that one
    assert resolver.calls == 1 and connects == [PUBLIC]
    assert site.state.hits == []


def test_a_name_answering_public_and_loopback_at_once_is_refused(site, settings, monkeypatch, connects):
    settings.SOURCES_ALLOW_PRIVATE = False
    resolver = Resolver(monkeypatch, "mixed.test", [PUBLIC])
    real = resolver.getaddrinfo

    def both(host, port, *args, **kwargs):
        answers = real(host, port, *args, **kwargs)
        if host == "mixed.test":
            answers.append((socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port)))
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", both)
    with pytest.raises(http.FetchError) as error:
        http.fetch(f"http://mixed.test:{site.server.server_address[1]}/", robots=False)
    assert error.value.kind == "refused" and connects == [] and site.state.hits == []


def test_a_socket_that_lands_on_another_address_is_closed_before_asking(site, settings, monkeypatch):
    """Whatever sits between us and the checked address (a NAT, a hijacked route), the peer itself is checked."""
    settings.SOURCES_ALLOW_PRIVATE = False
    site.pages["/admin"] = Page(body=b"internal")
    Resolver(monkeypatch, "public.test", [PUBLIC])
    real, port = urllib3.util.connection.create_connection, site.server.server_address[1]
    monkeypatch.setattr(
        urllib3.util.connection, "create_connection", lambda address, *a, **kw: real(("127.0.0.1", port), *a, **kw)
    )
    with pytest.raises(http.FetchError) as error:
        http.fetch(f"http://public.test:{port}/admin", robots=False)
    assert error.value.kind == "refused" and "127.0.0.1" in str(error.value)
    assert site.state.hits == []


def test_with_private_addresses_allowed_the_pinned_fetch_keeps_the_host_name(site, settings, monkeypatch, connects):
    settings.SOURCES_ALLOW_PRIVATE = True
    site.pages["/page"] = Page(body=b"hello")
    resolver = Resolver(monkeypatch, "pages.test", ["127.0.0.1", PUBLIC])
    port = site.server.server_address[1]

    result = http.fetch(f"http://pages.test:{port}/page", robots=False)

    assert result.body == b"hello" and resolver.calls == 1 and connects == ["127.0.0.1"]
    assert site.state.hits[0][1]["Host"] == f"pages.test:{port}"


def test_tls_to_a_pinned_address_still_names_the_host_for_sni_and_the_certificate(
    settings, monkeypatch, tmp_path, connects
):
    settings.SOURCES_ALLOW_PRIVATE = True
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=pages.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    seen: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen.append(name)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve_one() -> None:
        conn, _ = listener.accept()
        try:
            context.wrap_socket(conn, server_side=True).close()
        except (ssl.SSLError, OSError):
            pass  # the client gives up on our self-signed certificate: expected

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    Resolver(monkeypatch, "pages.test", ["127.0.0.1"])
    try:
        with pytest.raises(http.FetchError) as error:
            http.fetch(f"https://pages.test:{port}/", robots=False)
    finally:
        thread.join(5)
        listener.close()
    assert seen == ["pages.test"]  # SNI named the host, though the socket went to 127.0.0.1
    assert error.value.kind == "tls" and connects == ["127.0.0.1"]  # and the certificate was checked
