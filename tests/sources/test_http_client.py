"""The one HTTP client: size cap, timeouts, no silent redirects, private addresses refused, robots.txt, 304s."""

import pytest

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
