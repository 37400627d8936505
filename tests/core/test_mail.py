"""Every e-mail the shop sends through core.mail names the controller (P03)."""

import pytest
from django.core import mail

from tillit.core.mail import MissingControllerIdentity, send
from tillit.core.models import OutgoingMail

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P03.a")
def test_mail_carries_the_controller_identity_from_the_setting(test_templates, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "name": "Ljudbolaget HB",
                                  "org_nr": "555555-5555"}
    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"], language="sv")
    (message,) = mail.outbox
    assert message.subject == "Hej Kim"
    assert "Ljudbolaget HB" in message.body and "555555-5555" in message.body


@pytest.mark.promise("P03.a")
def test_mail_without_the_footer_is_refused(test_templates):
    with pytest.raises(MissingControllerIdentity):
        send("mailtest/forgetful", {}, ["kim@example.com"])
    assert mail.outbox == []


def test_mail_is_rendered_in_the_request_and_delivered_by_a_task(test_templates, queued):
    from tillit.core.mail import deliver

    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"], language="sv")
    assert mail.outbox == []  # nothing was sent in the request
    [result] = queued
    assert result.task.func is deliver.func
    [waiting] = OutgoingMail.objects.all()
    assert (waiting.subject, waiting.recipient) == ("Hej Kim", "kim@example.com")
    assert result.args == [waiting.pk]  # the task carries the row's id, nothing else
    assert deliver.call(*result.args) == 1  # what the worker does
    assert mail.outbox[0].subject == "Hej Kim"
    assert not OutgoingMail.objects.exists()


def test_each_recipient_gets_a_message_of_their_own(test_templates):
    send("mailtest/hello", {"name": "Kim"}, ["kim@example.com", "lo@example.com"])
    assert [m.to for m in mail.outbox] == [["kim@example.com"], ["lo@example.com"]]


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
    with pytest.raises(MailNotSent, match="mailtest/hello: builtins.ConnectionRefusedError$"):
        send("mailtest/hello", {"name": "Kim"}, ["kim@example.com"])
    # Kept, with what went wrong, for a retry until the data map's retention removes it.
    [kept] = OutgoingMail.objects.all()
    assert (kept.attempts, kept.error) == (
        1, "builtins.ConnectionRefusedError: the mail server is down")


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")
