"""The checkout tests' own setting: no failure rule, no language and no retry pause left
over from another test. The shared fixtures are in checkout_fixtures.py."""

import pytest

from tillit.payments.klarna.emulator import faults


@pytest.fixture(autouse=True)
def _fresh_faults_and_language():
    """No failure rule and no active language left over from another test (a request to an
    /en/ page leaves English active in the thread, and reverse() would follow it)."""
    from django.utils import translation

    faults.reset()
    translation.deactivate()
    yield
    faults.reset()
    translation.deactivate()


@pytest.fixture(autouse=True)
def backoff_pauses(monkeypatch):
    """The client's retry pauses, recorded instead of slept (tests never wait)."""
    from tillit.payments.klarna import client

    pauses = []
    monkeypatch.setattr(client, "sleep", pauses.append)
    return pauses
