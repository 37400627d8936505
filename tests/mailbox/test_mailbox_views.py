"""The demo mailbox pages: newest first, links clickable, HTML sandboxed, demo only."""

import re

import pytest
from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
INDEX = reverse("mailbox:index")


def _only_id(mailbox):
    (path,) = mailbox.glob("*.eml")
    return path.stem


def test_empty_mailbox_says_so(client, mailbox):
    response = client.get(INDEX)
    assert response.status_code == 200
    assert response.context["mails"] == []


def test_index_lists_newest_first_with_date_recipient_and_subject(client, mailbox):
    send_mail("Äldst", "x", None, ["ett@example.com"])
    send_mail("Nyast", "x", None, ["två@example.com"])
    response = client.get(INDEX)
    mails = response.context["mails"]
    assert [m.subject for m in mails] == ["Nyast", "Äldst"]
    html = response.content.decode()
    assert html.index("Nyast") < html.index("Äldst")
    assert "två@example.com" in html and mails[0].date is not None
    assert reverse("mailbox:message", args=[mails[0].id]) in html


def test_message_page_escapes_the_text_and_links_web_addresses(client, mailbox):
    send_mail("<b>Ämne</b>", "Klicka https://example.com/a?b=1&c=2. <script>x()</script>",
              None, ["a@example.com"])
    html = client.get(reverse("mailbox:message", args=[_only_id(mailbox)])).content.decode()
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">' in html
    assert "<script>x()</script>" not in html and "&lt;script&gt;" in html
    assert "<b>Ämne</b>" not in html


def test_html_part_is_shown_in_a_sandboxed_frame_without_scripts(client, mailbox):
    message = EmailMultiAlternatives("HTML", "Text", to=["a@example.com"])
    message.attach_alternative("<p>Hej</p><script>alert(1)</script>", "text/html")
    message.send()
    message_id = _only_id(mailbox)
    page = client.get(reverse("mailbox:message", args=[message_id])).content.decode()
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert 'sandbox="' in frame and "allow-scripts" not in frame
    assert "allow-same-origin" not in frame
    assert reverse("mailbox:message_html", args=[message_id]) in frame

    response = client.get(reverse("mailbox:message_html", args=[message_id]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox ") and "allow-scripts" not in csp
    assert "default-src 'none'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_text_only_message_has_no_html_view(client, mailbox):
    send_mail("Text", "Bara text", None, ["a@example.com"])
    assert client.get(reverse("mailbox:message_html", args=[_only_id(mailbox)])).status_code \
        == 404


@pytest.mark.parametrize("bad_id", [
    "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "20261125T043600123456-zzzzzzzz",
    "20261125T043600123456-0000000", "x" * 300, "20261125T043600123456-00000000",
])
def test_malformed_or_unknown_ids_are_not_found(client, mailbox, bad_id):
    send_mail("Text", "x", None, ["a@example.com"])
    assert client.get(f"{INDEX}{bad_id}/").status_code == 404
    assert client.get(f"{INDEX}{bad_id}/html/").status_code == 404


def test_path_traversal_cannot_read_files_beside_the_mailbox(client, mailbox):
    secret = mailbox.parent / "20261125T043600123456-00000000.eml"
    mailbox.mkdir()
    secret.write_bytes(b"Subject: hemligt\r\n\r\nhemligt")
    response = client.get(f"{INDEX}..%2F20261125T043600123456-00000000/")
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["index", "message", "message_html"])
def test_mailbox_is_not_found_when_the_demo_is_off(client, mailbox, name):
    message = EmailMultiAlternatives("HTML", "Text", to=["a@example.com"])
    message.attach_alternative("<p>Hej</p>", "text/html")
    message.send()
    args = [] if name == "index" else [_only_id(mailbox)]
    url = reverse(f"mailbox:{name}", args=args)
    assert client.get(url).status_code == 200
    with override_settings(TILLIT_DEMO=False):
        assert client.get(url).status_code == 404


def test_mailbox_pages_are_read_only(client, mailbox):
    assert client.post(INDEX).status_code == 405


def test_password_reset_mail_arrives_in_the_mailbox_with_a_working_link(client, mailbox,
                                                                       make_user):
    user = make_user(username="alva", email="alva@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "alva@example.com"})

    index = client.get(INDEX)
    (mail,) = index.context["mails"]
    assert mail.to == "alva@example.com"
    page = client.get(reverse("mailbox:message", args=[mail.id])).content.decode()
    links = re.findall(r'<a href="(http://testserver(/konto/losenord/aterstall/[^"]+))"', page)
    assert links, page
    reset_path = links[0][1]

    form_page = client.get(reset_path, follow=True)
    assert form_page.context["validlink"]
    new = "Nytt-Demolösen-2026"
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": new, "new_password2": new})
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
