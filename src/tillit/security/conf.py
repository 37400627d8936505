"""The security settings and their defaults, in one place.

Every value can be overridden in the settings module (production reads most of them from
the environment). Read them through these functions, not at import, so that tests and
``override_settings`` take effect.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class LoginThrottle:
    """After ``failures`` failed logins for one user name from one IP address within
    ``window_minutes``, that pair waits ``cooldown_minutes`` (and the account holder is
    told by e-mail).

    Guessing spread over many addresses is caught per account: after ``account_failures``
    failed logins for one user name from any addresses within ``window_minutes``, every
    further attempt at that name waits ``cooldown_minutes`` too (the holder is told), except
    from an address the account has logged in from before, so that an attacker cannot
    lock the owner out of their usual place."""

    failures: int = 5
    window_minutes: int = 15
    cooldown_minutes: int = 15
    account_failures: int = 10


@dataclass(frozen=True)
class IPAbuse:
    """Credential stuffing: an IP address with ``failures`` failed logins over at least
    ``accounts`` different user names within ``window_minutes`` is blocked for
    ``block_hours``."""

    failures: int = 20
    accounts: int = 3
    window_minutes: int = 15
    block_hours: int = 24


# action -> (requests, seconds): at most so many POSTs per client IP address per period.
RATE_LIMITS = {
    "register": (5, 3600),
    "password_reset": (5, 3600),
    "privacy_request": (5, 3600),
    # A fresh link to a guest's order, asked for on an expired link's page.
    "order_link": (5, 3600),
    # Checks of a logged-in account's own password (the password change, a new e-mail
    # address): a borrowed session must not become a way to guess the password.
    "password_check": (10, 3600),
    "staff_otp": (10, 600),
    # Newsletter sign-ups (each sends a confirmation e-mail) and the links in its e-mails.
    "newsletter": (5, 3600),
    "newsletter_link": (30, 3600),
    # Cookie choices (each appends to the consent ledger).
    "cookie_choice": (60, 3600),
}


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return value


def _thresholds(cls, value) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object such as {{\"{fields(cls)[0].name}\": 5}}, "
                         f"not {value!r}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(sorted(known))}")
    return {key: _positive_int(key, v) for key, v in value.items()}


def validate_login_throttle(value) -> dict:
    """``value`` as a ``TILLIT_LOGIN_THROTTLE`` setting, or ``ValueError`` saying why not:
    a dict of :class:`LoginThrottle`'s fields, each a whole number of at least 1."""
    return _thresholds(LoginThrottle, value)


def validate_ip_abuse(value) -> dict:
    """``value`` as a ``TILLIT_IP_ABUSE`` setting (see :func:`validate_login_throttle`)."""
    return _thresholds(IPAbuse, value)


def validate_rate_limits(value) -> dict:
    """``value`` as a ``TILLIT_RATE_LIMITS`` setting, or ``ValueError``: known actions
    mapped to ``[requests, seconds]``, both whole numbers of at least 1."""
    if not isinstance(value, dict):
        raise ValueError(f"expected an object such as {{\"register\": [5, 3600]}}, "
                         f"not {value!r}")
    limits = {}
    for action, limit in value.items():
        if action not in RATE_LIMITS:
            raise ValueError(f"unknown action {action!r}; known: {', '.join(RATE_LIMITS)}")
        if not isinstance(limit, list | tuple) or len(limit) != 2:
            raise ValueError(f"{action} must be [requests, seconds], not {limit!r}")
        limits[action] = (_positive_int(f"{action} requests", limit[0]),
                          _positive_int(f"{action} seconds", limit[1]))
    return limits


def enabled() -> bool:
    """The security layer runs: its middlewares, the login throttle and the login log.
    Switched off (``TILLIT_SECURITY_MIDDLEWARE``) only to measure what it costs;
    ``check --deploy`` refuses that."""
    return getattr(settings, "TILLIT_SECURITY_MIDDLEWARE", True)


def login_throttle() -> LoginThrottle:
    return LoginThrottle(**getattr(settings, "TILLIT_LOGIN_THROTTLE", {}))


def ip_abuse() -> IPAbuse:
    return IPAbuse(**getattr(settings, "TILLIT_IP_ABUSE", {}))


def rate_limit(action: str) -> tuple[int, int]:
    return {**RATE_LIMITS, **getattr(settings, "TILLIT_RATE_LIMITS", {})}[action]


def trusted_proxies() -> tuple[str, ...]:
    return tuple(getattr(settings, "TILLIT_TRUSTED_PROXIES", ()))


def client_ip_header() -> str:
    return getattr(settings, "TILLIT_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")


def blocklist_refresh_seconds() -> float | None:
    return getattr(settings, "TILLIT_BLOCKLIST_REFRESH_SECONDS", 30)


def staff_otp_required() -> bool:
    return getattr(settings, "TILLIT_STAFF_OTP_REQUIRED", True)


def staff_otp_paths() -> tuple[str, ...]:
    """Path prefixes (without a language prefix) where staff must have passed TOTP."""
    return tuple(getattr(settings, "TILLIT_STAFF_OTP_PATHS", ("/admin/",)))


def totp_enrol_hours() -> int:
    """How long a staff member's enrolment link works (``TILLIT_TOTP_ENROL_HOURS``)."""
    return int(getattr(settings, "TILLIT_TOTP_ENROL_HOURS", 24))
