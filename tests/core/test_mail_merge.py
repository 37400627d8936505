"""One e-mail to many (``core.mail.compose_many``, used by campaigns): the templates are
rendered once, and each message holds only its own recipient's values, escaped for the
HTML part as the template itself would have escaped them, with the Message-ID its caller
names."""

import pytest

from tillit.core import mail


def test_each_message_holds_its_own_values_escaped_for_html(test_templates):
    first, second = mail.compose_many("mailtest/merge", {}, [
        mail.Recipient("a@example.com", {"link": "https://x.test/?a=1&b=<2>"},
                       {"List-Unsubscribe": "<https://x.test/a>"}, mail.message_id("c-1-1")),
        mail.Recipient("b@example.com", {"link": "https://x.test/b"}),
    ], personal=("link",))
    html = first.alternatives[0][0]
    assert "Din länk: https://x.test/?a=1&b=<2>" in first.body
    assert 'href="https://x.test/?a=1&amp;b=&lt;2&gt;"' in html and "<2>" not in html
    assert first.subject == "Till https://x.test/?a=1&b=<2>"
    assert first.extra_headers["List-Unsubscribe"] == "<https://x.test/a>"
    assert first.extra_headers["Message-ID"].startswith("<c-1-1@")
    assert "x.test/b" in second.body and "x.test/?a" not in second.body
    assert "List-Unsubscribe" not in second.extra_headers
    assert second.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]
    assert first.to == ["a@example.com"] and second.to == ["b@example.com"]
    first.message()  # a valid message: no header broken by a value


def test_a_merge_without_the_controllers_footer_is_refused(test_templates):
    with pytest.raises(mail.MissingControllerIdentity):
        list(mail.compose_many("mailtest/forgetful", {}, [mail.Recipient("a@example.com")],
                               personal=()))


def test_a_safe_html_value_goes_into_the_html_part_as_it_is(test_templates):
    [message] = mail.compose_many("mailtest/merge", {}, [
        mail.Recipient("a@example.com", {"link": "https://x.test/a"},
                       html_values={"link": "https://x.test/a?b=1&amp;c=2"})],
        personal=("link",))
    assert 'href="https://x.test/a?b=1&amp;c=2"' in message.alternatives[0][0]
    assert "https://x.test/a" in message.body
