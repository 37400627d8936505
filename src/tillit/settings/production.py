"""Production: everything from the environment, HTTPS only (P34).

Refuses to start half-configured: ``SECRET_KEY``, ``TILLIT_HASH_KEY`` (at least 32
characters), ``ALLOWED_HOSTS`` (at least one host), ``DATABASE_URL``, ``KLARNA_USERNAME``
and ``KLARNA_PASSWORD`` must be set; the security thresholds, given as JSON, must be well
formed. ``tillit check --deploy`` with these settings reports nothing
(tests/security/test_production_settings.py). README "Security" lists every variable.
"""

import json
import os

from django.core.exceptions import ImproperlyConfigured

from tillit.security import conf as security_conf
from tillit.security.csp import checkout_origins as csp_checkout_origins
from tillit.security.csp import directives as csp_directives

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, TILLIT_CHECKOUT


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment for production.")
    return value


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _flag(name: str, default: bool = True) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes")


def _json(name: str, validate, example: str):
    """The JSON value of ``name`` checked by ``validate``, or ``None`` when it is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return validate(json.loads(raw))
    except ValueError as exc:  # json.JSONDecodeError is a ValueError too
        raise ImproperlyConfigured(f"{name} is not valid: {exc}. Example: {name}='{example}'"
                                   ) from None


SECRET_KEY = _required("SECRET_KEY")
TILLIT_HASH_KEY = _required("TILLIT_HASH_KEY")
# The key protects every keyed hash (IP addresses past 30 days, e-mail lookups): a short
# one can be guessed, and every hash made with it read back by trying addresses.
HASH_KEY_MIN_LENGTH = 32
if len(TILLIT_HASH_KEY) < HASH_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"TILLIT_HASH_KEY must be at least {HASH_KEY_MIN_LENGTH} characters long; make one "
        "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name at least one host, e.g. ALLOWED_HOSTS=shop.example.")
_required("DATABASE_URL")  # read by base.DATABASES

# The security thresholds (defaults in tillit.security.conf), as JSON objects.
_throttle = _json("TILLIT_LOGIN_THROTTLE", security_conf.validate_login_throttle,
                  '{"failures": 5, "window_minutes": 15, "cooldown_minutes": 15, '
                  '"account_failures": 10}')
if _throttle is not None:
    TILLIT_LOGIN_THROTTLE = _throttle
_abuse = _json("TILLIT_IP_ABUSE", security_conf.validate_ip_abuse,
               '{"failures": 20, "accounts": 3, "window_minutes": 15, "block_hours": 24}')
if _abuse is not None:
    TILLIT_IP_ABUSE = _abuse
_limits = _json("TILLIT_RATE_LIMITS", security_conf.validate_rate_limits,
                '{"register": [5, 3600], "password_reset": [5, 3600]}')
if _limits is not None:
    TILLIT_RATE_LIMITS = _limits
# The checkout provider's API credentials (README "Checkout provider"): without them the
# first buyer would meet a failing checkout; better that the shop refuses to start.
TILLIT_CHECKOUT = {**TILLIT_CHECKOUT, "username": _required("KLARNA_USERNAME"),
                   "password": _required("KLARNA_PASSWORD")}
DEBUG = False

# The address customers use; links in e-mail and the checkout provider's callbacks.
TILLIT_PUBLIC_URL = os.environ.get("TILLIT_PUBLIC_URL") or f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS") or [
    f"https://*{h}" if h.startswith(".") else f"https://{h}" for h in ALLOWED_HOSTS
]

# HTTPS only: redirect, HSTS with values hstspreload.org accepts, secure cookies.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("TILLIT_HSTS_SECONDS", 63072000))  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("TILLIT_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _flag("TILLIT_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): see tillit.security.csp. The checkout provider's
# snippet may load scripts and frames from the origins derived from KLARNA_BASE_URL
# (tillit.security.csp.checkout_origins) and from TILLIT_CSP_CHECKOUT_ORIGINS.
_checkout_origins = csp_checkout_origins(TILLIT_CHECKOUT["base_url"],
                                         _list("TILLIT_CSP_CHECKOUT_ORIGINS"))
INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
MIDDLEWARE = [MIDDLEWARE[0], "csp.middleware.CSPMiddleware", *MIDDLEWARE[1:]]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp_directives(_checkout_origins)}

# Staff pages require a TOTP second factor (django-otp) in production, always.
TILLIT_STAFF_OTP_REQUIRED = True
TILLIT_SECURITY_MIDDLEWARE = True

# A cache shared by all processes (Redis) makes rate limits and blocklist changes exact
# across workers; without it each process keeps its own (LocMem) and re-reads the
# blocklist every TILLIT_BLOCKLIST_REFRESH_SECONDS. Redis needs `pip install redis`.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["REDIS_URL"]}}

# Tasks (mail delivery, password-reset lookups) wait in the database for `tillit db_worker`
# (django-tasks-db), so that no request waits for the mail server and none takes longer
# because an address is known. Task arguments are row ids only (tillit.core.mail).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = True
TILLIT_DEMO = False
