"""Fixtures for the security tests: logins from chosen addresses, a clean blocklist."""

import pytest
from django.urls import reverse

from tillit.security import blocklist

LOGIN = reverse("accounts:login")


@pytest.fixture(autouse=True)
def _clean_blocklist():
    """The test's blocks are rolled back with its database; the process snapshot must
    forget them too."""
    blocklist.reset(empty=True)
    yield
    blocklist.reset(empty=True)


@pytest.fixture
def login(client):
    """``login(username, password, ip="198.51.100.7", ua=..., c=client)``: POST the shop's
    login form from ``ip``."""

    def post(username, password, ip="198.51.100.7", ua="Testbrowser/1.0", c=None):
        return (c or client).post(LOGIN, {"username": username, "password": password},
                                  REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)

    return post



