"""portal.http.host_is_public: the website rule's test of a host as written, without resolving it. Short forms of an
IP address that resolvers and browsers read (127.1 is 127.0.0.1) are never taken for a public name."""

import pytest
from django.core.exceptions import ValidationError

from companies.models import website_validate
from portal.http import host_is_public


@pytest.mark.parametrize(
    "host",
    [
        "127.1",  # 127.0.0.1
        "0177.0.0.1",  # octal 127.0.0.1
        "0x7f.1",  # hexadecimal
        "2130706433",  # 127.0.0.1 as one number
        "10.1",  # 10.0.0.1
        "192.168.1",
        "8.8.8.010",  # octal, even of a public address: the form hides where it leads
        "1.2.3.4.5",  # a name whose last label is all digits
        "127.0.0.1",
        "localhost",
        "printer.local",
        "64:ff9b::a00:5",  # 10.0.0.5 through the well-known NAT64 prefix
        "2002:c0a8:101::1",  # 192.168.1.1 through 6to4
        "::127.0.0.1",  # a deprecated IPv4-compatible address
    ],
)
def test_loopback_private_and_short_form_addresses_are_not_public(host):
    assert not host_is_public(host)


@pytest.mark.parametrize(
    "host", ["8.8.8.8", "www.firm-a.com.au", "123.example", "2001:4860:4860::8888", "64:ff9b::808:808"]
)
def test_public_addresses_and_names_are_public(host):
    assert host_is_public(host)


def test_the_website_rule_refuses_a_short_form_address_naming_it():
    with pytest.raises(ValidationError) as caught:
        website_validate("https://127.1/admin/")

    assert caught.value.messages == ["127.1 is not a public address on the internet: give the firm's public website."]
