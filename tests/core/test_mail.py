"""Every e-mail the shop sends through core.mail names the controller (P03)."""

from pathlib import Path

import pytest
from django.core import mail

from tillit.core.mail import MissingControllerIdentity, send

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}]


@pytest.mark.promise("P03")
def test_mail_carries_the_controller_identity_from_the_setting(test_templates, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "name": "Ljudbolaget HB",
                                  "org_nr": "555555-5555"}
    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"], language="sv")
    (message,) = mail.outbox
    assert message.subject == "Hej Kim"
    assert "Ljudbolaget HB" in message.body and "555555-5555" in message.body


@pytest.mark.promise("P03")
def test_mail_without_the_footer_is_refused(test_templates):
    with pytest.raises(MissingControllerIdentity):
        send("mailtest/forgetful", {}, ["kim@example.com"])
    assert mail.outbox == []
