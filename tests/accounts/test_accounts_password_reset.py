"""Password reset by e-mail, end to end, and the controller identity in the mail (P03)."""

import re

import hypothesis
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from hypothesis import strategies as st

User = get_user_model()
pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nytt-Mixerbord-Lösen-42"


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/konto/losenord/aterstall/[^\s]+/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_reset_request_page_renders(client):
    assert client.get(reverse("accounts:password_reset")).status_code == 200


def test_password_reset_end_to_end(client, account, password):
    response = client.post(reverse("accounts:password_reset"), {"email": "ALVA@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alva@example.com"]

    form_page = client.get(_reset_link(message), follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("accounts:password_reset_complete")
    assert client.get(done.url).status_code == 200

    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD) and not account.check_password(password)
    assert client.login(username="alva", password=NEW_PASSWORD)


def test_reset_link_works_only_once(client, account):
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    link = _reset_link(mail.outbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_tampered_reset_link_is_refused(client, account):
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    link = _reset_link(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    assert client.get(tampered, follow=True).context["validlink"] is False


def test_weak_new_password_is_refused(client, account, password):
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    set_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200 and response.context["form"].errors
    account.refresh_from_db()
    assert account.check_password(password)


def test_unknown_address_looks_the_same_and_sends_nothing(client, account):
    known = client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1


@pytest.mark.promise("P03.a")
def test_reset_mail_names_the_controller_in_text_and_html(client, account):
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    controller = settings.TILLIT_CONTROLLER
    for part in (message.body, html):
        for key in ("name", "street", "postal_code", "city", "org_nr", "email"):
            assert controller[key] in part, (key, part)


@pytest.mark.promise("P03.a")
def test_reset_mail_follows_the_controller_setting(client, account, settings):
    settings.TILLIT_CONTROLLER = {**settings.TILLIT_CONTROLLER, "name": "Annat Bolag HB",
                                  "org_nr": "556677-8899"}
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})
    assert "Annat Bolag HB" in mail.outbox[0].body
    assert "556677-8899" in mail.outbox[0].body


def test_reset_with_a_hostile_address_is_handled(client, account):
    for bad in ["", "\x00", "a" * 5000, "alva@example.com\r\nBcc: x@example.com"]:
        response = client.post(reverse("accounts:password_reset"), {"email": bad})
        assert response.status_code in (200, 302)
    assert mail.outbox == []


@hypothesis.settings(max_examples=60, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@hypothesis.given(email=st.one_of(
    st.emails(), st.text(max_size=300),
    st.sampled_from(["", "\x00@example.com", "a@b", "alva@example.com\r\nBcc: x@example.com",
                     "x" * 250 + "@example.com", " alva@example.com "])))
def test_any_reset_input_is_answered_and_at_most_the_valid_address_waits(client, account,
                                                                         settings, email):
    """Whatever is typed: a page (never a 500); a refused address stores nothing, an
    accepted one waits, as typed and cleaned, for the task the request enqueued."""
    from django import forms
    from django_tasks import task_backends

    from tillit.accounts.models import PasswordResetRequest

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    before = list(PasswordResetRequest.objects.order_by("pk").values_list("email", flat=True))
    queued = len(task_backends["default"].results)
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    after = list(PasswordResetRequest.objects.order_by("pk").values_list("email", flat=True))
    try:
        cleaned = forms.EmailField(max_length=254).clean(email)
    except forms.ValidationError:
        assert response.status_code == 200
        assert after == before and len(task_backends["default"].results) == queued
    else:
        assert response.status_code == 302
        assert after == [*before, cleaned]
        assert len(task_backends["default"].results) == queued + 1
    assert mail.outbox == []
