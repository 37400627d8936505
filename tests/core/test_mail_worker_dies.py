"""Mail goes out exactly once even when the worker dies (issue 16 §3).

A real ``tillit db_worker`` process delivers 200 queued messages to a local SMTP server
(aiosmtpd) and is killed with SIGKILL halfway. ``tillit mail retry`` then takes back what
it left running, a new worker finishes, and every message has reached the server, each
under its own Message-ID (one cut off mid-send may arrive twice under the same one)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.conftest import free_port
from tillit.core import mail
from tillit.core.models import OutgoingMail

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="the worker is another process: it needs a database "
                                        "server, not the test's in-memory SQLite")]
ROOT = Path(__file__).resolve().parents[2]
COUNT = 200


class Inbox:
    """An SMTP handler that keeps each message's Message-ID, slowly (2 ms each), so that
    the worker can be killed in the middle of the run."""

    def __init__(self):
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        time.sleep(0.002)
        with self.lock:
            self.ids.append(message["Message-ID"].strip("<>"))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _worker(port: int, *, batch: bool, lease: int = 600) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
           "TILLIT_TEST_SMTP_PORT": str(port), "TILLIT_TEST_MAIL_LEASE_SECONDS": str(lease),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    argv = [sys.executable, "-m", "tillit", "db_worker", "--interval", "0.05",
            "--no-startup-delay", *(["--batch"] if batch else [])]
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_run_loses_no_message_and_sends_none_twice(
        smtp, settings, test_templates):
    inbox, port = smtp
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    for n in range(COUNT):
        mail.send("mailtest/hello", {"name": f"Kund {n}"}, [f"kund{n}@example.com"])
    expected = set(OutgoingMail.objects.values_list("message_id", flat=True))
    assert len(expected) == COUNT

    worker = _worker(port, batch=False)
    deadline = time.monotonic() + 60
    while len(inbox.ids) < COUNT // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)
    sent_before = len(inbox.ids)
    assert COUNT // 3 <= sent_before < COUNT, "kill the worker in the middle of the run"
    left = OutgoingMail.objects.count()
    assert left > 0

    # The lease has passed (a second here, for the cron job and the next worker alike); the
    # cron job takes back what the dead worker held, and the next worker finishes.
    settings.TILLIT_MAIL_LEASE_SECONDS = 1
    time.sleep(1.1)
    call_command("mail", "retry", stdout=io.StringIO())
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    finisher = _worker(port, batch=True, lease=1)
    assert finisher.wait(120) == 0

    assert not OutgoingMail.objects.exists()
    received = Counter(inbox.ids)
    assert set(received) == expected  # every message arrived
    assert sum(n - 1 for n in received.values()) <= 1  # at most the one cut off mid-send
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
