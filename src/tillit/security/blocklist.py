"""The IP blocklist as the middleware sees it: an in-process snapshot, no query per request.

The database (``IPBlock``) is the record. Each process keeps a snapshot of the active
entries and re-reads it when

- this process changed the list (:func:`changed`, called on every save and delete),
- another process changed it: a change also writes a new token to the shared cache, and a
  snapshot with another token is stale (with Redis as the cache this is immediate; a lost
  token, after a cache flush, also means "re-read once"),
- or the snapshot is older than ``TILLIT_BLOCKLIST_REFRESH_SECONDS`` (30 s by default;
  this bounds the delay where the cache is per process, as Django's LocMem cache is).

The snapshot holds the entries that block the whole shop (``IPBlock.Scope.SITE``). An entry
for logins only (every automatic one) stops the forms that log in or make accounts, never
browsing and buying: those POSTs, and the abuse check after a failed login, want the
answer as the database has it now, for entries of either scope. They ask
:func:`is_blocked_now`, which looks up only the client's address (its exact entry and the
ranges, which are few) in one query, however long the list is; reloading the whole list
there cost ~240 ms per login at 5,000 entries. ``None`` as the refresh
interval means "never by age, and an empty list until this process changes it": meant for
the tests, whose database starts empty and whose every change goes through this process.
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q

from . import conf
from .clientip import parse_ip

TOKEN_KEY = "tillit:security:blocklist-token"


@dataclass
class Snapshot:
    token: str | None = None
    loaded_at: float = field(default_factory=time.monotonic)
    # address -> expiry (epoch seconds); CIDR ranges checked one by one (there are few).
    addresses: dict = field(default_factory=dict)
    networks: list = field(default_factory=list)

    def blocks(self, ip: str, now: float | None = None) -> bool:
        if not (self.addresses or self.networks) or not ip:
            return False
        address = parse_ip(ip)
        if address is None:
            return False
        now = time.time() if now is None else now
        expiry = self.addresses.get(address)
        if expiry is not None and expiry > now:
            return True
        return any(address in net and expiry > now for net, expiry in self.networks)


_snapshot: Snapshot | None = None


def _load(token: str | None) -> Snapshot:
    from .models import IPBlock

    snapshot = Snapshot(token=token)
    entries = IPBlock.objects.active().filter(scope=IPBlock.Scope.SITE)
    for network, expires_at in entries.values_list("network", "expires_at"):
        try:
            net = ipaddress.ip_network(network, strict=False)
        except ValueError:
            continue
        expiry = expires_at.timestamp()
        if net.num_addresses == 1:
            address = net.network_address
            snapshot.addresses[address] = max(expiry, snapshot.addresses.get(address, 0))
        else:
            snapshot.networks.append((net, expiry))
    return snapshot


def current() -> Snapshot:
    """The blocklist snapshot, re-read from the database only when stale (see above)."""
    global _snapshot
    snapshot, token = _snapshot, cache.get(TOKEN_KEY)
    refresh = conf.blocklist_refresh_seconds()
    if snapshot is None and refresh is None:
        snapshot = _snapshot = Snapshot(token=token)
    stale = (
        snapshot is None
        or token != snapshot.token
        or (refresh is not None and time.monotonic() - snapshot.loaded_at > refresh)
    )
    if stale:
        snapshot = _snapshot = _load(token)
    return snapshot


def is_blocked(ip: str) -> bool:
    """Whether an entry for the whole shop blocks ``ip`` (page views: no query while the
    snapshot is current)."""
    return current().blocks(ip)


def is_blocked_now(ip: str) -> bool:
    """Whether an active entry of either scope blocks ``ip`` right now, read from the
    database: one query for the address's own entry and every range, whatever the number
    of single addresses on the list (logins and new accounts)."""
    from .models import IPBlock

    address = parse_ip(ip) if ip else None
    if address is None:
        return False
    entries = (IPBlock.objects.active()
               .filter(Q(network=str(address)) | Q(network__contains="/"))
               .values_list("network", flat=True))
    for network in entries:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def changed() -> None:
    """The list changed: tell the other processes (new token) and re-read it here."""
    global _snapshot
    token = uuid.uuid4().hex
    cache.set(TOKEN_KEY, token, None)
    _snapshot = _load(token)


def reset(*, empty: bool = False) -> None:
    """Forget this process's snapshot; ``empty=True``: know the list to be empty (tests,
    after a test's changes were rolled back)."""
    global _snapshot
    if empty:
        cache.delete(TOKEN_KEY)
        _snapshot = Snapshot(token=None)
    else:
        _snapshot = None
