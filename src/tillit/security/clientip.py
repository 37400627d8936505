"""The client's IP address, and only from sources we trust.

Directly on the internet, the address is the TCP peer (``REMOTE_ADDR``). Behind a reverse
proxy, the peer is the proxy, and the client's address is in a header the proxy appends to
(``X-Forwarded-For`` by default). Anyone can send that header, so it is read only when the
peer is one of ``TILLIT_TRUSTED_PROXIES``, and then from the right: each trusted proxy
appends the address it saw, so the right-most address that is not a trusted proxy is the
client. Whatever a client wrote further left is ignored.

A shop behind a proxy that nobody named in ``TILLIT_TRUSTED_PROXIES`` sees every customer
at the proxy's address: one address for the rate limits, the login throttle and the
blocklist. :func:`note_untrusted_forwarding` notices the header arriving from a peer that
is not trusted, logs a warning (once per process) and leaves a note in the cache
that the staff pages show (:func:`forwarding_warning`), so the owner finds out before the
first lockout.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time
from functools import lru_cache

from django.core.cache import cache
from django.utils import timezone

from . import conf

log = logging.getLogger(__name__)
WARNING_KEY = "tillit:security:untrusted-forwarding"
WARNING_SECONDS = 7 * 24 * 3600
_NOTE_EVERY_SECONDS = 3600
_noted_at: float | None = None

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


# Where a reverse proxy usually sits: private networks (RFC 1918, RFC 4193), shared
# address space (RFC 6598), loopback and link-local. Python's ``is_private`` also counts the
# documentation ranges and others that real clients may come from.
_INTERNAL = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))


def is_internal(address) -> bool:
    """Whether ``address`` is loopback, link-local or in a private network."""
    return (address.is_loopback or address.is_link_local
            or any(address in network for network in _INTERNAL))


def untrusted_forwarding(request) -> bool:
    """Whether ``request`` carries the client-IP header from a peer that is not trusted."""
    if not request.META.get(conf.client_ip_header()):
        return False
    peer = parse_ip(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and not _trusted(peer, _networks(conf.trusted_proxies()))


def _note(peer: str, *, blocking: str) -> None:
    cache.set(WARNING_KEY, {"peer": peer, "header": conf.client_ip_header(),
                            "seen_at": timezone.now().isoformat(), "blocking": blocking},
              WARNING_SECONDS)


def note_untrusted_forwarding(request) -> None:
    """Warn that ``request``'s peer sent the client-IP header but is not trusted. The peer
    is named only when it is an internal address (a proxy's, not a person's)."""
    global _noted_at
    peer = parse_ip(request.META.get("REMOTE_ADDR", ""))
    now = time.monotonic()
    if peer is None or (_noted_at is not None and now - _noted_at < _NOTE_EVERY_SECONDS):
        return
    shown = str(peer) if is_internal(peer) else ""
    if _noted_at is None:  # once per process in the log; the staff pages' note is renewed
        log.warning(
            "A request came with %s from %s, which is not in TILLIT_TRUSTED_PROXIES: every "
            "client looks like that address to the rate limits, the login throttle and the "
            "blocklist. Set TILLIT_TRUSTED_PROXIES to the proxy's address.",
            conf.client_ip_header(), shown or "a public address")
    _noted_at = now
    _note(shown, blocking="")


def note_internal_block(ip: str, *, blocked: bool) -> None:
    """Warn, before it happens, that credential stuffing from an internal address (most
    likely a reverse proxy) would block it: ``blocked`` says whether it is blocked (for
    logins only) or spared because it forwards other clients' requests."""
    if blocked:
        log.warning("Blocking logins from the internal address %s automatically (credential "
                    "stuffing). If it is the shop's reverse proxy, every customer's login "
                    "is blocked: set TILLIT_TRUSTED_PROXIES and remove the block.", ip)
    else:
        log.warning("Not blocking the internal address %s automatically: it forwards other "
                    "clients' requests. Set TILLIT_TRUSTED_PROXIES to it.", ip)
    _note(ip, blocking="blocked" if blocked else "spared")


def forwarding_warning() -> dict | None:
    """The last note of :func:`note_untrusted_forwarding`, for the staff pages: ``peer``
    (an internal address, or empty), ``header``, ``seen_at`` (a date-time) and
    ``blocking``; ``None`` when there is none, or when the setting now trusts the peer."""
    note = cache.get(WARNING_KEY)
    if not note:
        return None
    peer = parse_ip(note.get("peer", ""))
    if peer is not None and _trusted(peer, _networks(conf.trusted_proxies())):
        return None
    return {**note, "seen_at": dt.datetime.fromisoformat(note["seen_at"])}
