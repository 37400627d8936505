"""Lost database connections cost no request (issue 16 §5).

The database closes the app's connections (a restart, a fail-over, an administrator
terminating sessions) while gunicorn's workers keep them for reuse: every kept connection
used to fail its next request with a 500. Connections are now checked before a request
reuses one, and a read whose connection drops while it runs is run again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import httpx
import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _statuses(base: str, paths: list[str], rounds: int) -> list[int]:
    with httpx.Client(base_url=base, timeout=20) as http, ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda p: http.get(p).status_code, paths * rounds))


@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="terminating backends is a PostgreSQL operation")
def test_terminated_connections_cost_no_request(product, tmp_path):
    port = free_port()
    db = connection.settings_dict
    # The test settings: static files from the apps, no collectstatic needed.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tillit.settings.test",
           "TILLIT_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tillit.wsgi:application", "--config",
         "python:tillit.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    paths = ["/", product.get_absolute_url()]
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert set(_statuses(base, paths, 12)) == {200}  # every thread holds a connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", [db["NAME"]])
            terminated = sum(1 for row in cursor.fetchall() if row[0])
        assert terminated >= 2
        after = _statuses(base, paths, 12)
    finally:
        server.terminate()
        server.wait(10)
    assert [s for s in after if s >= 500] == []


def test_a_read_whose_connection_drops_while_it_runs_is_read_again(product):
    """A GET whose query fails because the connection went is run again, once."""
    from tillit.catalog import selectors

    calls = []
    real = selectors.top_categories_with_counts

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real()

    with mock.patch.object(selectors, "top_categories_with_counts", flaky), \
            mock.patch("tillit.core.middleware.connection.is_usable", return_value=False), \
            mock.patch("tillit.core.middleware.connection.close"):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 200 and len(calls) == 2


def test_a_write_whose_connection_drops_is_not_repeated(product):
    from tillit.cart import services as cart_services

    calls = []

    def dropped(*args, **kwargs):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(cart_services, "add", dropped), \
            mock.patch("tillit.core.middleware.connection.is_usable", return_value=False):
        response = Client(raise_request_exception=False).post(
            "/kundvagn/lagg-till/", {"product": product.pk, "quantity": 1})
    assert response.status_code == 500 and calls == [1]
