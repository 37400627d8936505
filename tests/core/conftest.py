"""Fixtures for the core tests: e-mail templates of the tests' own, and task backends."""

import signal
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]


@pytest.fixture
def queued(settings):
    """A task backend that only queues (as a background one does until its worker runs):
    returns the list of enqueued results."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"].results


@pytest.fixture
def database_backend(settings):
    """Production's task backend: tasks wait in the database for `tillit db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}


@pytest.fixture
def run_worker(transactional_db, database_backend):
    """``run_worker()``: `tillit db_worker --batch` (runs what is ready, then stops), as
    the production worker does; the signal handlers it installs are put back after. The
    test runs outside a transaction, as the worker does: it closes the database connection
    of a transaction it did not open (on PostgreSQL, the test's own)."""
    from django.core.management import call_command

    names = [n for n in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, n)]
    saved = {n: signal.getsignal(getattr(signal, n)) for n in names}

    def run():
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    yield run
    for n, handler in saved.items():
        signal.signal(getattr(signal, n), handler)
