"""Writes of the security layer: the login log, failed logins, throttling and the blocklist.
The raw IP addresses in the logs are replaced by keyed hashes by the retention sweep
(``tillit retention run``), from the ``HashAfter`` rules in ``privacy.py``.

The login flow calls, in order: :func:`login_refusal` before any password is hashed (a
cooled-down pair is refused cheaply), then :func:`record_login` or
:func:`record_failed_login`. A failure that completes a throttle window e-mails the account
holder; an IP address that fails across many accounts is blocked (:func:`block_ip`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tillit.core import mail

from . import blocklist, conf
from .clientip import client_ip
from .models import USER_AGENT_LENGTH, FailedLogin, IPBlock, LoginRecord, normalise_network

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


def login_refusal(request, username) -> dt.datetime | None:
    """When the (user name, IP address) pair is cooling down, the time the cooldown ends;
    else ``None``. Keyed by the name typed, whether or not an account has it, so the answer
    says nothing about which accounts exist."""
    ip = _ip(request)
    if not ip:
        return None
    throttle, now = conf.login_throttle(), timezone.now()
    recent = FailedLogin.objects.filter(
        username=normalise_username(username), ip=ip, reason=FailedLogin.Reason.CREDENTIALS,
        created_at__gte=now - dt.timedelta(minutes=throttle.window_minutes),
    ).aggregate(n=Count("id"), last=Max("created_at"))
    if recent["n"] >= throttle.failures:
        until = recent["last"] + dt.timedelta(minutes=throttle.cooldown_minutes)
        if until > now:
            return until
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
    if reason == FailedLogin.Reason.CREDENTIALS and failure.ip:
        _after_failure(failure)
    return failure


def record_blocked_login(request) -> FailedLogin:
    """Log a login POST from a blocked IP address; the password is never checked."""
    username = request.POST.get(get_user_model().USERNAME_FIELD, "")
    return record_failed_login(request, username, reason=FailedLogin.Reason.BLOCKED)


def _after_failure(failure: FailedLogin) -> None:
    throttle, abuse = conf.login_throttle(), conf.ip_abuse()
    now = failure.created_at
    pair_failures = FailedLogin.objects.filter(
        username=failure.username, ip=failure.ip, reason=FailedLogin.Reason.CREDENTIALS,
        created_at__gte=now - dt.timedelta(minutes=throttle.window_minutes),
    ).count()
    if pair_failures == throttle.failures and failure.user_id:
        _notify_account_holder(failure, throttle)
    from_ip = FailedLogin.objects.filter(
        ip=failure.ip, created_at__gte=now - dt.timedelta(minutes=abuse.window_minutes),
    ).aggregate(n=Count("id"), names=Count("username", distinct=True))
    over = from_ip["n"] >= abuse.failures and from_ip["names"] >= abuse.accounts
    if over and not blocklist.is_blocked(failure.ip, fresh=True):
        reason = gettext(
            "Automatic: %(n)d failed logins over %(names)d user IDs within %(minutes)d "
            "minutes (credential stuffing)."
        ) % {"n": from_ip["n"], "names": from_ip["names"], "minutes": abuse.window_minutes}
        block_ip(failure.ip, reason=reason, automatic=True,
                 expires_at=now + dt.timedelta(hours=abuse.block_hours))


def _notify_account_holder(failure: FailedLogin, throttle: conf.LoginThrottle) -> None:
    """Tell the account holder that a cooldown began; at most once an hour per account,
    so an attack from many addresses does not flood the inbox."""
    user = failure.user
    if not user.email or not cache.add(f"tillit:security:notified:{user.pk}", 1, 3600):
        return
    base = settings.TILLIT_PUBLIC_URL.rstrip("/")
    context = {
        "user": user, "failures": throttle.failures, "minutes": throttle.cooldown_minutes,
        "when": failure.created_at,
        "reset_url": base + reverse("accounts:password_reset"),
        "profile_url": base + reverse("accounts:profile"),
    }
    try:
        mail.send("security/email/login_throttled", context, [user.email])
    except Exception:  # a mail outage must not turn a login into a 500
        log.exception("Could not send the failed-login notice for account %s", user.pk)


def block_ip(network: str, *, reason: str, expires_at: dt.datetime, automatic: bool = False,
             created_by=None) -> IPBlock:
    """Add ``network`` (an address or CIDR range) to the blocklist until ``expires_at``."""
    return IPBlock.objects.create(
        network=normalise_network(network), reason=reason[:300], expires_at=expires_at,
        automatic=automatic, created_by=created_by,
    )

