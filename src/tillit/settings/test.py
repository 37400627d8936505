"""Test settings: the demo's wiring, an in-memory mail outbox, plain static storage."""

import tempfile
from pathlib import Path

from tillit.payments.klarna.emulator.transport import InProcessTransport

from .demo import *  # noqa: F403
from .demo import DATABASES, PASSWORD_HASHERS, TILLIT_CHECKOUT, TILLIT_SMS

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic in tests: serve from the apps' static folders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The test database starts empty and every blocklist change goes through this process.
TILLIT_BLOCKLIST_REFRESH_SECONDS = None

# The shop's Klarna client reaches the emulator in-process (no socket, nothing outside);
# the emulator's push is off unless a test turns it on.
TILLIT_CHECKOUT = {**TILLIT_CHECKOUT, "transport": InProcessTransport()}
TILLIT_KLARNA_EMULATOR_PUSH = {"mode": "off"}
# The SMS client reaches the gateway emulator in-process too; its messages go to a folder
# of the test run's own, and its delivery reports are POSTed by the tests themselves.
TILLIT_SMS = {**TILLIT_SMS, "transport": InProcessTransport()}
TILLIT_SMS_EMULATOR_DIR = Path(tempfile.mkdtemp(prefix="tillit-test-sms-"))
TILLIT_SMS_EMULATOR_REPORTS = "off"
TILLIT_LETTER_FILES_DIR = Path(tempfile.mkdtemp(prefix="tillit-test-letter-files-"))
# One test database: the emulator's own (demo) database is not needed in tests, whose
# in-process calls share one connection.
DATABASES = {"default": DATABASES["default"]}
DATABASE_ROUTERS: list = []
# Carrier files a test writes go to a folder of the test run's own, never the demo's var/.
TILLIT_CARRIER_FILES_DIR = Path(tempfile.mkdtemp(prefix="tillit-test-carrier-files-"))
# A fast hasher for the thousands of passwords the tests set (Argon2id takes ~50 ms each,
# on purpose). The tests of P35 and the timing tests switch production's hashers back on
# explicitly: the ``argon2`` fixture (tests/conftest.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
