"""Settings for bench/campaign_benchmark.py: the test settings with production's task
backend (tasks wait in PostgreSQL for ``tillit db_worker``) and a mail backend that does
what Django's locmem backend does with each message (builds it, which checks its headers)
but keeps only a count, so that the worker's memory shows the campaign's and not a
growing outbox's."""

import atexit
import os

from django.core.mail.backends.base import BaseEmailBackend

from tillit.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "campaign_settings.CountingBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}


class CountingBackend(BaseEmailBackend):
    """Counts the messages handed to it; each is built as for sending first. The count is
    written to ``BENCH_MAIL_COUNT`` when the process ends."""

    sent = 0

    def send_messages(self, messages):
        for message in messages:
            message.message()
            CountingBackend.sent += 1
        return len(messages)


def _write_count() -> None:
    path = os.environ.get("BENCH_MAIL_COUNT")
    if path and CountingBackend.sent:
        with open(path, "w") as out:
            out.write(f"{CountingBackend.sent}\n")


atexit.register(_write_count)
