"""Test settings: the demo's wiring, an in-memory mail outbox, plain static storage."""

from .demo import *  # noqa: F403

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
