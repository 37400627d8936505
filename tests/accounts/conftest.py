"""Fixtures for the account tests: registration data, an account with a known password."""

import pytest


@pytest.fixture
def password():
    """The password of ``account`` and of the valid ``registration`` data."""
    return "Ljus-Gitarr-Förstärkare-7"


@pytest.fixture
def registration(password):
    """``registration(**overrides)``: POST data for a valid registration."""

    def make(**overrides):
        data = {
            "name": "Robin Registrerad", "email": "robin@example.com", "phone": "",
            "username": "robin", "password1": password, "password2": password,
            "company": "", "org_nr": "",
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def account(make_user, password):
    return make_user(username="alva", email="alva@example.com", name="Alva Andersson",
                     password=password)


@pytest.fixture
def account_client(client, account):
    client.force_login(account)
    return client


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings):
    """These tests post the account forms many times from one address (the hostile-input
    tests above all); the rate limits themselves are proven in tests/security."""
    settings.TILLIT_RATE_LIMITS = {action: (10_000, 3600) for action in
                                   ("register", "password_reset", "privacy_request",
                                    "password_check")}
