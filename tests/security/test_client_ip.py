"""The client IP comes from a trusted proxy's header only (issue 4, part 2)."""

import ipaddress

import pytest
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.security.clientip import client_ip, resolve
from tillit.security.services import block_ip

PROXY = ("10.0.0.0/8",)


def test_without_proxies_the_peer_address_is_the_client():
    assert resolve("203.0.113.9", "198.51.100.1", ()) == "203.0.113.9"


def test_a_spoofed_forwarded_for_from_the_internet_is_ignored():
    # The peer is not a trusted proxy, so whatever it claims is ignored.
    assert resolve("203.0.113.9", "198.51.100.1", PROXY) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client():
    # The client forged "1.2.3.4" on the left; the proxy appended what it really saw.
    assert resolve("10.0.0.2", "1.2.3.4, 198.51.100.20", PROXY) == "198.51.100.20"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert resolve("10.0.0.2", "1.2.3.4, 198.51.100.20, 10.0.0.5", PROXY) == "198.51.100.20"


def test_a_garbled_entry_stops_the_walk_at_the_last_trusted_hop():
    assert resolve("10.0.0.2", "198.51.100.20, not-an-ip", PROXY) == "10.0.0.2"


def test_ipv6_and_ipv4_mapped_addresses():
    assert resolve("2001:db8::1", "", PROXY) == "2001:db8::1"
    assert resolve("::ffff:203.0.113.9", "", ()) == "203.0.113.9"
    assert resolve("10.0.0.2", "2001:db8::7", PROXY) == "2001:db8::7"


def test_a_missing_or_broken_peer_address_gives_no_address():
    assert resolve("", "198.51.100.1", PROXY) == ""
    assert resolve("garbage", "", ()) == ""


def test_the_header_setting_is_honoured(settings):
    settings.TILLIT_TRUSTED_PROXIES = ["10.0.0.2"]
    settings.TILLIT_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP="198.51.100.4",
                                   HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.4"


def _norm(value):
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return str(getattr(address, "ipv4_mapped", None) or address)


@settings(max_examples=60, deadline=None)
@given(peer=st.one_of(st.ip_addresses().map(str), st.text(max_size=40)),
       header=st.text(max_size=200))
def test_any_header_gives_the_peer_or_an_address_from_the_header(peer, header):
    result = resolve(peer, header, PROXY)
    if _norm(peer) is None:
        assert result == ""
        return
    candidates = {_norm(peer)} | {_norm(h) for h in header.split(",")}
    assert result in candidates - {None}
    if ipaddress.ip_address(_norm(peer)) not in ipaddress.ip_network(PROXY[0]):
        assert result == _norm(peer)


@pytest.mark.django_db
@pytest.mark.promise("P18.b")
def test_a_blocked_address_cannot_escape_by_sending_forwarded_for(client, settings):
    settings.TILLIT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    block_ip("203.0.113.9", reason="test", expires_at=_tomorrow())
    spoofed = client.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 403
    # The same client behind our proxy is still itself, and the proxy is not blocked.
    proxied = client.get("/", REMOTE_ADDR="10.0.0.2",
                         HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert proxied.status_code == 403
    other = client.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert other.status_code == 200


def _tomorrow():
    import datetime as dt

    from django.utils import timezone

    return timezone.now() + dt.timedelta(days=1)
