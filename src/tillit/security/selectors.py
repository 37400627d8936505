"""Reads of the security records. Nothing here writes."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from django.utils import timezone

from tillit.privacy.datamap import registry
from tillit.privacy.hashing import is_hashed, keyed_hash

from .models import FailedLogin, LoginRecord

RECENT_DAYS = 30
RECENT_COUNT = 10


@dataclass(frozen=True)
class Attempt:
    """One line of "was this you?" on the account page."""

    when: dt.datetime
    ip: str  # empty once the address has been replaced by its hash
    user_agent: str
    reason: str = ""


def mask_ip(ip: str) -> str:
    """The network an address belongs to, not the address: ``203.0.113.x`` or the first
    three groups of an IPv6 address. Enough to recognise one's own network."""
    if not ip or is_hashed(ip):
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 4:
        return ".".join(ip.split(".")[:3]) + ".x"
    return ":".join(address.exploded.split(":")[:3]) + "::/48"


def recent_logins(user, *, count: int = RECENT_COUNT) -> list[Attempt]:
    """The account's own logins of the last 30 days, newest first, with the address."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    rows = LoginRecord.objects.filter(user=user, created_at__gte=since)[:count]
    return [Attempt(r.created_at, "" if is_hashed(r.ip) else r.ip, r.user_agent) for r in rows]


def recent_failures(user, *, count: int = RECENT_COUNT) -> list[Attempt]:
    """Refused logins to the account in the last 30 days, newest first. The address may be
    someone else's, so it is shown only as its network (``mask_ip``)."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    rows = FailedLogin.objects.filter(user=user, created_at__gte=since)[:count]
    return [Attempt(r.created_at, mask_ip(r.ip), r.user_agent, r.get_reason_display())
            for r in rows]


def has_logged_in_from(username: str, ip: str) -> bool:
    """Whether the account with this user name (any letter case) has ever logged in from
    ``ip``, as far as the login log still knows: the raw address for the first 30 days,
    then its keyed hash (the purpose the data map gives the hashing, so the two match)."""
    if not (username and ip):
        return False
    rule = registry.get(LoginRecord).fields["ip"].hash_after
    return LoginRecord.objects.filter(
        user__username__iexact=username, ip__in=[ip, keyed_hash(ip, rule.purpose or "ip")],
    ).exists()
