"""Plain-text bodies as HTML: everything escaped, only http(s) links made clickable."""

import re
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.mailbox.text import linkify

ANCHOR = re.compile(r'<a href="[^"<>]*" rel="noopener noreferrer">[^<>]*</a>')


@pytest.mark.parametrize(("text", "url"), [
    ("Gå till https://example.com/x.", "https://example.com/x"),
    ("(se http://example.com/a?b=1)", "http://example.com/a?b=1"),
    ("HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"),
])
def test_web_addresses_become_links_without_trailing_punctuation(text, url):
    html = linkify(text)
    assert f'href="{url.replace("&", "&amp;")}"' in html


@pytest.mark.parametrize("text", ["javascript:alert(1)", "ftp://example.com/", "mailto:a@b.se",
                                  "http://", "data:text/html,<b>x</b>"])
def test_other_schemes_stay_plain_text(text):
    assert "<a " not in linkify(text)


def test_quotes_cannot_break_out_of_the_link():
    html = linkify('https://example.com/"onmouseover="alert(1)')
    assert "onmouseover=\"" not in html


@given(st.text(max_size=300))
@settings(max_examples=60)
def test_nothing_but_our_links_is_markup(text):
    html = str(linkify(text))
    without_links = ANCHOR.sub("", html)
    assert "<" not in without_links and ">" not in without_links
    assert '"' not in without_links


@given(st.text(alphabet=st.sampled_from("ab<>&\"' :/.htps\n"), max_size=120))
@settings(max_examples=60)
def test_the_visible_text_is_the_original_text(text):
    visible = re.sub(r"<a [^>]*>|</a>", "", str(linkify(text)))
    assert unescape(visible) == text
