"""The client's IP address, and only from sources we trust.

Directly on the internet, the address is the TCP peer (``REMOTE_ADDR``). Behind a reverse
proxy, the peer is the proxy, and the client's address is in a header the proxy appends to
(``X-Forwarded-For`` by default). Anyone can send that header, so it is read only when the
peer is one of ``TILLIT_TRUSTED_PROXIES``, and then from the right: each trusted proxy
appends the address it saw, so the right-most address that is not a trusted proxy is the
client. Whatever a client wrote further left is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from . import conf

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in ``value``, or ``None``. IPv4-mapped IPv6 addresses count as IPv4."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def resolve(remote_addr: str, forwarded: str, trusted: tuple[str, ...]) -> str:
    """The client address for a request from ``remote_addr`` carrying ``forwarded`` (the
    proxy header's value); ``""`` when the peer address is not an address at all."""
    peer = parse_ip(remote_addr or "")
    if peer is None:
        return ""
    networks = _networks(trusted)
    if not networks or not forwarded or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed(forwarded.split(",")):
        address = parse_ip(hop)
        if address is None:
            # A garbled entry: nothing to its left can be trusted either.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip(request) -> str:
    """The client's IP address for ``request`` (computed once per request)."""
    cached = getattr(request, "_tillit_client_ip", None)
    if cached is None:
        cached = resolve(request.META.get("REMOTE_ADDR", ""),
                         request.META.get(conf.client_ip_header(), ""),
                         conf.trusted_proxies())
        request._tillit_client_ip = cached
    return cached
