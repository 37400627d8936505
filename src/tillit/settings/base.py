"""Settings shared by every environment. Environment modules (demo, test, production) extend it."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from tillit.core import logs

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Runtime files (SQLite database, collected static files, demo mailbox) live under var/
# in the working directory unless TILLIT_VAR_DIR says otherwise.
VAR_DIR = Path(os.environ.get("TILLIT_VAR_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_tasks",
    # The database task backend's app, in every environment: its table is migrated and in
    # the data map everywhere, though only production selects the backend (TASKS below).
    "django_tasks_db",
    "tillit.core",
    "tillit.privacy",
    "tillit.accounts",
    "tillit.catalog",
    "tillit.cart",
    "tillit.checkout",
    "tillit.cookies",
    "tillit.payments",
    "tillit.orders",
    "tillit.shipping",
    "tillit.sms",
    "tillit.marketing",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tillit.security",
    # Above the domains: the public rights pages and the staff privacy desk.
    "tillit.rights",
    "tillit.desk",
]

MIDDLEWARE = [
    "tillit.core.logs.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tillit.security.middleware.IPBlockMiddleware",
    "tillit.accounts.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tillit.accounts.middleware.ErasedAccountMiddleware",
    "tillit.security.middleware.StaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tillit.core.middleware.AdminBadInputMiddleware",
    "tillit.core.middleware.RetryDroppedConnectionMiddleware",
]

# Every environment logs to stderr, one greppable line per record, with no e-mail address,
# IP address or link secret in it (tillit.core.logs). No error e-mails to ADMINS: they would
# carry the request, and with it a customer's personal data, to a mailbox.
LOGGING = logs.config(os.environ.get("TILLIT_LOG_LEVEL", "INFO"))

ROOT_URLCONF = "tillit.urls"
WSGI_APPLICATION = "tillit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tillit.core.context_processors.shop",
                "tillit.cookies.context_processors.cookie_choice",
            ],
        },
    },
]



def sqlite_options(database: dict) -> dict:
    """``database`` (a DATABASES entry) made fit for concurrent requests when it is SQLite.

    SQLite has one writer at a time. Django's transactions start DEFERRED: they take the
    write lock only at their first write, and when two of them both read first, the one
    that tries to upgrade second is refused at once ("database is locked") whatever the
    timeout, because waiting could deadlock. IMMEDIATE takes the write lock when the
    transaction begins, so concurrent writers queue instead, for up to ``timeout`` seconds
    (below gunicorn's 30 s worker timeout). Other engines are returned unchanged.
    """
    if not database.get("ENGINE", "").endswith("sqlite3"):
        return database
    return {**database, "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                                    **database.get("OPTIONS", {})}}


# Connections are kept for a minute and checked before each request reuses one, so a
# connection the database closed (restart, fail-over) costs no request
# (core.middleware.RetryDroppedConnectionMiddleware covers one dropped mid-read).
DATABASES = {
    "default": sqlite_options(dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tillit.sqlite3'}", conn_max_age=60,
        conn_health_checks=True,
    ))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "catalog:home"

# P35: Argon2id first; the others only verify hashes made before, then get upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "name", "email", "company")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Swedish first, English second.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14  # two weeks, declared in the data map

# The demo and the tests run tasks at once, in the request; production queues them in the
# database for `tillit db_worker` (settings/production.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

DEFAULT_FROM_EMAIL = os.environ.get(
    "TILLIT_FROM_EMAIL", "Teknikboden <noreply@teknikboden.example>"
)

# The controller (P03): one setting, read by the policy page, the footer, receipts and e-mail.
# The seed policy's e-mail address was lost to address obfuscation in the copy we have; the
# default below is a placeholder the shop owner confirms through TILLIT_CONTROLLER_EMAIL.
TILLIT_CONTROLLER = {
    "name": os.environ.get("TILLIT_CONTROLLER_NAME", "JKSound HB"),
    "shop_name": os.environ.get("TILLIT_SHOP_NAME", "Teknikboden"),
    "org_nr": os.environ.get("TILLIT_CONTROLLER_ORG_NR", "969790-7807"),
    "vat_number": os.environ.get("TILLIT_CONTROLLER_VAT_NUMBER", "SE969790780701"),
    "street": os.environ.get("TILLIT_CONTROLLER_STREET", "Kyrkvägen 14"),
    "postal_code": os.environ.get("TILLIT_CONTROLLER_POSTAL_CODE", "565 31"),
    "city": os.environ.get("TILLIT_CONTROLLER_CITY", "Mullsjö"),
    "country": os.environ.get("TILLIT_CONTROLLER_COUNTRY", "Sverige"),
    "email": os.environ.get("TILLIT_CONTROLLER_EMAIL", "info@jksound.se"),
    "website": os.environ.get("TILLIT_CONTROLLER_WEBSITE", "https://jksound.se"),
    # Empty: the shop offers no telephone line, and the terms say how to reach a person.
    "phone": os.environ.get("TILLIT_CONTROLLER_PHONE", ""),
    # The trade-register fact the terms state (e-handelslagen 8 §).
    "company_form": os.environ.get("TILLIT_CONTROLLER_COMPANY_FORM", "handelsbolag"),
    "registered_with": os.environ.get("TILLIT_CONTROLLER_REGISTER", "Bolagsverket"),
}

# Keyed one-way hashes of identifiers kept past their raw retention (P10, P35).
TILLIT_HASH_KEY = os.environ.get("TILLIT_HASH_KEY", "")

CATALOG_PAGE_SIZE = 24

# Klarna Checkout v3 / Order Management v1 (P28). Kustom took Klarna Checkout over in
# 2025-26; the same API paths live on api.kustom.co (live) and api.playground.kustom.co
# (test). Klarna's own hosts (api.klarna.com, api.playground.klarna.com) served it before.
TILLIT_CHECKOUT = {
    "provider_name": os.environ.get("TILLIT_CHECKOUT_PROVIDER", "Kustom"),
    "base_url": os.environ.get("KLARNA_BASE_URL", "https://api.playground.kustom.co"),
    "username": os.environ.get("KLARNA_USERNAME", ""),
    "password": os.environ.get("KLARNA_PASSWORD", ""),
    "timeout": float(os.environ.get("KLARNA_TIMEOUT", "10")),
}
# The SMS gateway (46elks' REST API, sms/client.py). ``sender``: the shop's own number at
# the gateway, in E.164: answers such as STOPP can only reach a number, so SMS campaigns
# are refused until it is set (a name of letters cannot be answered). ``callback_secret``:
# the secret part of the URLs the gateway POSTs delivery reports and answers (STOPP) to;
# empty refuses every callback.
TILLIT_SMS = {
    "base_url": os.environ.get("SMS_BASE_URL", "https://api.46elks.com"),
    "username": os.environ.get("SMS_USERNAME", ""),
    "password": os.environ.get("SMS_PASSWORD", ""),
    "sender": os.environ.get("SMS_SENDER", ""),
    "timeout": float(os.environ.get("SMS_TIMEOUT", "10")),
    "callback_secret": os.environ.get("SMS_CALLBACK_SECRET", ""),
}
# Where staff's letter exports for the print house are kept until the nightly sweep
# deletes them (marketing/privacy.py, LETTER_FILE_DAYS).
TILLIT_LETTER_FILES_DIR = Path(os.environ.get("TILLIT_LETTER_FILES_DIR",
                                              VAR_DIR / "letter-files")).resolve()
# The public base URL of the shop, for the merchant URLs the provider calls back.
TILLIT_PUBLIC_URL = os.environ.get("TILLIT_PUBLIC_URL", "http://127.0.0.1:8000")
# Where `tillit shipping export` keeps the carrier files (names, addresses, phones): the
# nightly sweep deletes each one CARRIER_FILE_DAYS after it was written (orders/privacy.py).
TILLIT_CARRIER_FILES_DIR = Path(os.environ.get("TILLIT_CARRIER_FILES_DIR",
                                               VAR_DIR / "carrier-files")).resolve()

# The security layer (tillit.security; README "Security" lists every setting and default).
# "0" only to measure what the layer costs (bench/security_overhead.py).
TILLIT_SECURITY_MIDDLEWARE = os.environ.get("TILLIT_SECURITY_MIDDLEWARE", "1") != "0"
TILLIT_STAFF_OTP_REQUIRED = True
# Behind a reverse proxy (the usual case in production, and possible for the demo): the
# proxy's addresses or ranges, comma-separated, so that the client IP and the HTTPS flag are
# read from its headers and from nobody else's. Unset behind a proxy, every customer has the
# proxy's address; the staff pages then warn (tillit.security.clientip).
TILLIT_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TILLIT_TRUSTED_PROXIES",
                                                            "").split(",") if p.strip()]
TILLIT_CLIENT_IP_HEADER = os.environ.get("TILLIT_CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR")
if TILLIT_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
OTP_TOTP_ISSUER = TILLIT_CONTROLLER["shop_name"]
