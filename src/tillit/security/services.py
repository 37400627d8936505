"""Writes of the security layer: the login log, failed logins, throttling and the blocklist.
The raw IP addresses in the logs are replaced by keyed hashes by the retention sweep
(``tillit retention run``), from the ``HashAfter`` rules in ``privacy.py``.

The login flow calls, in order: :func:`login_refusal` before any password is hashed (a
cooled-down pair or account is refused cheaply), then :func:`record_login` or
:func:`record_failed_login`. A failure that completes a throttle window e-mails the account
holder; an IP address that fails across many accounts is blocked (:func:`block_ip`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tillit.core import mail, tokens
from tillit.core.tokens import LinkRefused

from . import blocklist, clientip, conf, selectors
from .clientip import client_ip, parse_ip
from .models import (
    USER_AGENT_LENGTH,
    EnrolmentToken,
    FailedLogin,
    IPBlock,
    LoginRecord,
    normalise_network,
)

log = logging.getLogger(__name__)
USERNAME_LENGTH = 150


def _clean(value, length: int) -> str:
    """Text from a request as a database column takes it: a string, no control
    characters (PostgreSQL refuses NUL), at most ``length`` characters."""
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text[: length * 2] if ch >= " " and ch != "\x7f")[:length]


def normalise_username(value) -> str:
    """The user name as the logs and the throttle key it: trimmed, lower case, bounded."""
    return _clean(value, USERNAME_LENGTH).strip().lower()


def _user_agent(request) -> str:
    return _clean(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_LENGTH) if request else ""


def _ip(request) -> str:
    return client_ip(request) if request is not None else ""


def record_login(request, user) -> LoginRecord:
    """Log a successful login (P11): time, account, IP address, user agent."""
    return LoginRecord.objects.create(user=user, ip=_ip(request),
                                      user_agent=_user_agent(request))


@dataclass(frozen=True)
class Refusal:
    """A login refused before the password is looked at: until when, and why (a
    ``FailedLogin.Reason``: the (name, address) pair or the whole account is cooling down)."""

    until: dt.datetime
    reason: str


def login_refusal(request, username) -> Refusal | None:
    """Whether a login for ``username`` from the request's address must wait, and until
    when; ``None`` when it may go ahead. Keyed by the name typed, whether or not an account
    has it, so the answer says nothing about which accounts exist.

    Two thresholds (``conf.LoginThrottle``): too many failures from this pair, or too many
    for this name from any addresses (guessing spread over a botnet). The second spares an
    address the account has logged in from before (the login log, by keyed hash once the
    raw address is gone), so an attack cannot lock the owner out of their usual place."""
    ip = _ip(request)
    if not ip:
        return None
    throttle, now = conf.login_throttle(), timezone.now()
    name = normalise_username(username)
    recent = FailedLogin.objects.filter(
        username=name, reason=FailedLogin.Reason.CREDENTIALS,
        created_at__gte=now - dt.timedelta(minutes=throttle.window_minutes),
    )
    cooldown = dt.timedelta(minutes=throttle.cooldown_minutes)
    pair = recent.filter(ip=ip).aggregate(n=Count("id"), last=Max("created_at"))
    if pair["n"] >= throttle.failures and pair["last"] + cooldown > now:
        return Refusal(pair["last"] + cooldown, FailedLogin.Reason.THROTTLED)
    account = recent.aggregate(n=Count("id"), last=Max("created_at"))
    if (account["n"] >= throttle.account_failures and account["last"] + cooldown > now
            and not selectors.has_logged_in_from(name, ip)):
        return Refusal(account["last"] + cooldown, FailedLogin.Reason.ACCOUNT_COOLDOWN)
    return None


def _account_named(username: str):
    if not username:
        return None
    return get_user_model()._default_manager.filter(username__iexact=username).first()


def record_failed_login(request, username, *, reason=FailedLogin.Reason.CREDENTIALS
                        ) -> FailedLogin:
    """Log a refused login (P13) and act on it: the failure that starts a cooldown e-mails
    the account holder; an IP address over the abuse threshold is blocked."""
    name = normalise_username(username)
    failure = FailedLogin.objects.create(
        username=name, user=_account_named(name), reason=reason, ip=_ip(request),
        user_agent=_user_agent(request),
    )
    if reason != FailedLogin.Reason.BLOCKED and failure.ip:
        _after_failure(failure, request)
    return failure


def record_blocked_login(request) -> FailedLogin:
    """Log a login POST from a blocked IP address; the password is never checked."""
    username = request.POST.get(get_user_model().USERNAME_FIELD, "")
    return record_failed_login(request, username, reason=FailedLogin.Reason.BLOCKED)


def _after_failure(failure: FailedLogin, request=None) -> None:
    """A wrong password that completes a threshold tells the account holder; any refused
    attempt (a cooled-down one too: stuffing goes on regardless) may push its address over
    the abuse threshold and onto the blocklist, for logins and new accounts only.

    An internal address (loopback, private) over the threshold is most likely a reverse
    proxy nobody named in ``TILLIT_TRUSTED_PROXIES``: the staff pages' warning is raised
    first, and when the request itself came through it (the client-IP header from an
    untrusted peer) it is not blocked at all, since that would stop every customer's
    login."""
    throttle, abuse = conf.login_throttle(), conf.ip_abuse()
    now = failure.created_at
    if failure.reason == FailedLogin.Reason.CREDENTIALS and failure.user_id:
        recent = FailedLogin.objects.filter(
            username=failure.username, reason=FailedLogin.Reason.CREDENTIALS,
            created_at__gte=now - dt.timedelta(minutes=throttle.window_minutes),
        )
        if recent.filter(ip=failure.ip).count() == throttle.failures:
            _notify_account_holder(failure, throttle, across_addresses=False)
        elif recent.count() == throttle.account_failures:
            _notify_account_holder(failure, throttle, across_addresses=True)
    from_ip = FailedLogin.objects.filter(
        ip=failure.ip, created_at__gte=now - dt.timedelta(minutes=abuse.window_minutes),
    ).aggregate(n=Count("id"), names=Count("username", distinct=True))
    over = from_ip["n"] >= abuse.failures and from_ip["names"] >= abuse.accounts
    if not over or blocklist.is_blocked_now(failure.ip):
        return
    address = parse_ip(failure.ip)
    if address is not None and clientip.is_internal(address):
        forwarding = request is not None and clientip.untrusted_forwarding(request)
        clientip.note_internal_block(failure.ip, blocked=not forwarding)
        if forwarding:
            return
    reason = gettext(
        "Automatic: %(n)d failed logins over %(names)d user IDs within %(minutes)d "
        "minutes (credential stuffing)."
    ) % {"n": from_ip["n"], "names": from_ip["names"], "minutes": abuse.window_minutes}
    block_ip(failure.ip, reason=reason, automatic=True, scope=IPBlock.Scope.LOGIN,
             expires_at=now + dt.timedelta(hours=abuse.block_hours))


def _notify_account_holder(failure: FailedLogin, throttle: conf.LoginThrottle, *,
                           across_addresses: bool) -> None:
    """Tell the account holder that a cooldown began (for one address, or for the account
    across addresses); at most once an hour (or once a window, if longer) per account, so
    an attack from many addresses does not flood the inbox."""
    user = failure.user
    quiet_seconds = max(3600, throttle.window_minutes * 60)
    if not user.email or not cache.add(f"tillit:security:notified:{user.pk}", 1,
                                       quiet_seconds):
        return
    base = settings.TILLIT_PUBLIC_URL.rstrip("/")
    context = {
        "user": user, "minutes": throttle.cooldown_minutes, "when": failure.created_at,
        "across_addresses": across_addresses, "window": throttle.window_minutes,
        "failures": throttle.account_failures if across_addresses else throttle.failures,
        "reset_url": base + reverse("accounts:password_reset"),
        "profile_url": base + reverse("accounts:profile"),
    }
    try:
        mail.send("security/email/login_throttled", context, [user.email])
    except Exception:  # a mail outage must not turn a login into a 500
        log.exception("Could not send the failed-login notice for account %s", user.pk)


def block_ip(network: str, *, reason: str, expires_at: dt.datetime, automatic: bool = False,
             scope: str = IPBlock.Scope.SITE, created_by=None) -> IPBlock:
    """Add ``network`` (an address or CIDR range) to the blocklist until ``expires_at``,
    for the whole shop or (``scope``) for logins and new accounts only."""
    return IPBlock.objects.create(
        network=normalise_network(network), reason=reason[:300], expires_at=expires_at,
        automatic=automatic, scope=scope, created_by=created_by,
    )


def issue_enrolment(user, *, created_by=None, now: dt.datetime | None = None) -> str:
    """A new single-use link token for ``user`` (staff) to enrol an authenticator; earlier
    unused links of theirs stop working. Returns the raw token, shown to the issuer once."""
    if not (user.is_active and user.is_staff):
        raise ValueError("Only active staff enrol a second factor.")
    now = now or timezone.now()
    raw, digest = tokens.new()
    with transaction.atomic():
        EnrolmentToken.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentToken.objects.create(
            user=user, digest=digest, created_at=now, created_by=created_by,
            expires_at=now + dt.timedelta(hours=conf.totp_enrol_hours()))
    return raw


def enrolment_for(raw: str, user) -> EnrolmentToken:
    """The live enrolment token ``raw`` of ``user``, or :class:`LinkRefused`."""
    if not tokens.plausible(raw):
        raise LinkRefused(404, "unknown")
    token = EnrolmentToken.objects.filter(digest=tokens.digest(raw)).first()
    if token is None or token.user_id != user.pk:
        raise LinkRefused(404, "unknown")
    if token.used_at is not None:
        raise LinkRefused(410, "used")
    if token.expires_at <= timezone.now():
        raise LinkRefused(410, "expired")
    return token


def complete_enrolment(token: EnrolmentToken, device) -> None:
    """The staff member proved the new authenticator works: it is confirmed and the link
    used up, in one transaction (a second use of the link is refused)."""
    with transaction.atomic():
        used = EnrolmentToken.objects.filter(pk=token.pk, used_at__isnull=True).update(
            used_at=timezone.now())
        if not used:
            raise LinkRefused(410, "used")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
