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


@pytest.fixture
def queued(settings):
    """A task backend that only queues (as a background one does until its worker runs):
    returns the list of enqueued results."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"].results


def test_mail_is_rendered_in_the_request_and_delivered_by_a_task(test_templates, queued):
    from tillit.core.mail import deliver

    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"], language="sv")
    assert mail.outbox == []  # nothing was sent in the request
    [result] = queued
    assert result.task.func is deliver.func
    [message] = result.args
    assert (message["subject"], message["to"]) == ("Hej Kim", ["kim@example.com"])
    assert deliver.call(*result.args) == 1  # what the worker does
    assert mail.outbox[0].subject == "Hej Kim"


def test_attachments_travel_through_the_queue_unchanged(test_templates, queued):
    from tillit.core.mail import deliver

    pdf = bytes(range(256))
    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"],
         attachments=[("kvitto.html", "<p>Kvitto</p>", "text/html"),
                      ("kvitto.pdf", pdf, "application/pdf")])
    deliver.call(*queued[0].args)
    attached = mail.outbox[0].attachments
    assert attached == [("kvitto.html", "<p>Kvitto</p>", "text/html"),
                        ("kvitto.pdf", pdf, "application/pdf")]


def test_a_delivery_that_fails_at_once_is_an_error_in_the_request(test_templates, settings):
    from tillit.core.mail import MailNotSent

    settings.EMAIL_BACKEND = "tests.core.test_mail.BrokenBackend"
    with pytest.raises(MailNotSent, match="mailtest/hello: builtins.ConnectionRefusedError"):
        send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"])


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
