"""The demo shop: embedded SQLite, local mailbox, emulators. Never for production."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import (
    DATABASES,
    INSTALLED_APPS,
    MIDDLEWARE,
    TILLIT_CHECKOUT,
    TILLIT_PUBLIC_URL,
    TILLIT_SMS,
    VAR_DIR,
    sqlite_options,
)

DEBUG = os.environ.get("TILLIT_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY") or "demo-only-secret-key-not-for-production-0123456789"
TILLIT_HASH_KEY = os.environ.get("TILLIT_HASH_KEY") or "demo-only-hash-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [*INSTALLED_APPS, "tillit.mailbox", "tillit.payments.klarna.emulator"]

# The demo and the tests run the real Klarna client against the project's own emulator,
# mounted at /klarna-emulator/. By default the shop calls it at its own address;
# `tillit demo` serves it from a second server on its own port and points KLARNA_BASE_URL
# there (see core/management/commands/demo.py why). KLARNA_BASE_URL & co. set by hand
# point the demo at another provider.
TILLIT_KLARNA_EMULATOR = True
TILLIT_KLARNA_EMULATOR_USERNAME = "demo-merchant"
TILLIT_KLARNA_EMULATOR_PASSWORD = "demo-only-emulator-secret"
# Failures on demand, e.g. KLARNA_EMULATOR_FAULT="503@/checkout/v3*1" (see emulator/faults.py).
TILLIT_KLARNA_EMULATOR_FAULT = os.environ.get("KLARNA_EMULATOR_FAULT", "")
TILLIT_KLARNA_EMULATOR_PUSH = {"mode": "background"}
# On SQLite the emulator keeps its books in a file of its own, as a real provider would,
# so the shop holding a transaction while it calls the provider cannot deadlock on the one
# file lock (see payments/klarna/emulator/router.py). `tillit demo` migrates both.
_shop_db = DATABASES["default"]
if _shop_db["ENGINE"].endswith("sqlite3") and str(_shop_db.get("NAME", "")) not in ("",
                                                                                  ":memory:"):
    _shop_file = Path(_shop_db["NAME"])
    DATABASES = {**DATABASES, "klarna_emulator": sqlite_options({
        "ENGINE": _shop_db["ENGINE"],
        "NAME": _shop_file.with_name(f"{_shop_file.stem}-klarna-emulator{_shop_file.suffix}"),
    })}
    DATABASE_ROUTERS = ["tillit.payments.klarna.emulator.router.EmulatorRouter"]
TILLIT_CHECKOUT = {
    **TILLIT_CHECKOUT,
    "base_url": os.environ.get("KLARNA_BASE_URL")
    or TILLIT_PUBLIC_URL.rstrip("/") + "/klarna-emulator",
    "username": os.environ.get("KLARNA_USERNAME") or TILLIT_KLARNA_EMULATOR_USERNAME,
    "password": os.environ.get("KLARNA_PASSWORD") or TILLIT_KLARNA_EMULATOR_PASSWORD,
}

# SMS go to the project's own gateway emulator (sms/emulator), which keeps them in var/sms/
# and shows them at /sms-emulator/inbox/; `tillit demo` serves it beside the Klarna
# emulator and sets SMS_BASE_URL.
TILLIT_SMS_EMULATOR = True
TILLIT_SMS_EMULATOR_USERNAME = "demo-sms"
TILLIT_SMS_EMULATOR_PASSWORD = "demo-only-sms-secret"
TILLIT_SMS_EMULATOR_DIR = VAR_DIR / "sms"
TILLIT_SMS = {
    **TILLIT_SMS,
    "base_url": os.environ.get("SMS_BASE_URL")
    or TILLIT_PUBLIC_URL.rstrip("/") + "/sms-emulator",
    "username": os.environ.get("SMS_USERNAME") or TILLIT_SMS_EMULATOR_USERNAME,
    "password": os.environ.get("SMS_PASSWORD") or TILLIT_SMS_EMULATOR_PASSWORD,
    "callback_secret": os.environ.get("SMS_CALLBACK_SECRET") or "demo-sms-callback",
    # From the range PTS keeps for fiction (070-174 06 05 to 070-174 06 99): no one's phone.
    "sender": os.environ.get("SMS_SENDER") or "+46701740699",
}

# Sent mail lands in var/mailbox/, one .eml per message, shown at /demo/mailbox/.
EMAIL_BACKEND = "tillit.mailbox.backend.MailboxBackend"
TILLIT_MAILBOX_DIR = VAR_DIR / "mailbox"
TILLIT_DEMO = True
# Staff pages ask for no TOTP code in the demo (`tillit demo` says so); production does.
TILLIT_STAFF_OTP_REQUIRED = False

# The production Content-Security-Policy, on request (TILLIT_CSP=1; the browser tests run the
# demo so): the same directives and nonces, the checkout provider's origins derived from
# KLARNA_BASE_URL (here the emulator's server), but no upgrade-insecure-requests, since the
# demo speaks plain HTTP on the loopback.
if os.environ.get("TILLIT_CSP") == "1":
    from tillit.security.csp import checkout_origins as _checkout_origins
    from tillit.security.csp import directives as _csp_directives

    INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
    MIDDLEWARE = [MIDDLEWARE[0], "csp.middleware.CSPMiddleware", *MIDDLEWARE[1:]]
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives(
        _checkout_origins(TILLIT_CHECKOUT["base_url"]), upgrade_insecure=False)}
