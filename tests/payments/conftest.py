import pytest

from tests.payments.klarna_helpers import PASSWORD, USERNAME
from tillit.payments.klarna.client import KlarnaClient
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


@pytest.fixture
def pushes(settings):
    """Pushes the emulator sends, recorded (URL and body) instead of delivered."""
    import httpx

    sent = []

    def record(request):
        sent.append((str(request.url), request.read()))
        return httpx.Response(204)

    settings.TILLIT_KLARNA_EMULATOR_PUSH = {"mode": "inline",
                                            "transport": httpx.MockTransport(record)}
    return sent


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def emulator_url(live_server, settings):
    """The emulator on a real HTTP server; the shop's settings point at it."""
    url = live_server.url + "/klarna-emulator"
    settings.TILLIT_PUBLIC_URL = live_server.url
    settings.TILLIT_CHECKOUT = {"provider_name": "Kustom", "base_url": url,
                                "username": USERNAME, "password": PASSWORD, "timeout": 5}
    return url


@pytest.fixture
def klarna(emulator_url, sleeps):
    """A client talking HTTP to the live emulator; its backoff pauses are recorded."""
    client = KlarnaClient(sleep=sleeps.append)
    yield client
    client.close()


@pytest.fixture(autouse=True)
def backoff_pauses(monkeypatch):
    """The client's retry pauses, recorded instead of slept (tests never wait)."""
    from tillit.payments.klarna import client

    pauses = []
    monkeypatch.setattr(client, "sleep", pauses.append)
    return pauses
