"""Settings for a real mail worker in the tests (tests/core/test_mail_worker_dies.py): the
test settings, with production's task backend and SMTP to the test's own server."""

import os

from tillit.settings.test import *  # noqa: F403
from tillit.settings.test import TEMPLATES

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("TILLIT_TEST_SMTP_PORT", "25"))
EMAIL_USE_TLS = False
# The lease the test shortens after killing the first worker: the finisher must see the same
# one, or it leaves the dead worker's claimed message alone for ten minutes.
TILLIT_MAIL_LEASE_SECONDS = int(os.environ.get("TILLIT_TEST_MAIL_LEASE_SECONDS", "600"))
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"],
                                       os.path.join(os.path.dirname(__file__), "templates")]}]
