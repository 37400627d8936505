"""Fixtures for the core tests: e-mail templates of the tests' own, and a task backend that
only queues (the database backend and its worker are in tests/conftest.py)."""

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
