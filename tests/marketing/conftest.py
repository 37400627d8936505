"""Fixtures of the marketing tests."""

import pytest
from django.urls import reverse


@pytest.fixture
def send_campaign(staff_client):
    """``send_campaign(campaign)``: staff choose *Skicka till mottagarna* in the admin."""

    def send(campaign):
        answer = staff_client.post(reverse("admin:marketing_campaign_changelist"),
                                   {"action": "send", "_selected_action": [campaign.pk]})
        assert answer.status_code == 302
        return campaign

    return send


@pytest.fixture
def empty_gateway():
    """The SMS gateway emulator's store, empty before and after the test."""
    from tillit.sms.emulator import store

    store.clear()
    yield
    store.clear()
