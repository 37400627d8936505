"""The mailbox backend writes one .eml file per message, atomically."""

import datetime as dt
import email
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail

from tillit.mailbox import store


def _files(directory):
    return sorted(directory.glob("*.eml"))


def test_each_message_becomes_its_own_eml_file(mailbox):
    send_mail("Första", "Hej ett", "butik@example.com", ["a@example.com"])
    send_mail("Andra", "Hej två", "butik@example.com", ["b@example.com"])
    files = _files(mailbox)
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert [m["Subject"] for m in parsed] == ["Första", "Andra"]
    assert parsed[0].get_body(("plain",)).get_content().strip() == "Hej ett"


def test_send_returns_the_number_written_and_skips_messages_without_recipients(mailbox):
    connection = get_connection()
    messages = [EmailMultiAlternatives("Till någon", "x", to=["a@example.com"]),
                EmailMultiAlternatives("Till ingen", "x", to=[])]
    assert connection.send_messages(messages) == 1
    assert len(_files(mailbox)) == 1


def test_html_alternative_and_bcc_are_kept(mailbox):
    message = EmailMultiAlternatives("Med HTML", "Text", to=["a@example.com"],
                                     bcc=["dold@example.com"])
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.send()
    stored = store.get_message(_files(mailbox)[0].stem)
    assert stored.text.strip() == "Text"
    assert stored.html.strip() == "<p>HTML</p>"
    raw = _files(mailbox)[0].read_bytes().decode()
    assert "dold@example.com" in raw


def test_no_temporary_files_are_left_behind(mailbox):
    send_mail("Ämne", "Text", None, ["a@example.com"])
    assert [p.name for p in mailbox.iterdir()] == [_files(mailbox)[0].name]


def test_a_failed_write_leaves_no_partial_file(mailbox, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("tillit.mailbox.store.os.replace", broken_replace)
    with pytest.raises(OSError):
        send_mail("Ämne", "Text", None, ["a@example.com"])
    assert list(mailbox.iterdir()) == []
    assert send_mail("Ämne", "Text", None, ["a@example.com"], fail_silently=True) == 0


def test_message_ids_sort_oldest_to_newest_and_have_the_checked_shape(mailbox):
    for n in range(5):
        send_mail(f"Nr {n}", "Text", None, ["a@example.com"])
    stems = [f.stem for f in _files(mailbox)]
    assert all(store.is_valid_id(s) for s in stems)
    subjects = [store.get_message(s).subject for s in sorted(stems)]
    assert subjects == [f"Nr {n}" for n in range(5)]


def test_message_date_is_a_point_in_time_even_when_sent_as_utc_without_zone(mailbox):
    send_mail("Ämne", "Text", None, ["a@example.com"])
    (message,) = store.list_messages()
    assert message.date is not None and message.date.utcoffset() is not None
    assert abs((message.date - dt.datetime.now(dt.UTC)).total_seconds()) < 60
