"""Fixtures for the catalogue tests: a category tree and a reader of prices in HTML."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tillit.catalog.models import Category

# A Swedish price as |sek writes it: "1 299 kr", "259,80 kr" (non-breaking spaces).
PRICE = re.compile(r"\d{1,3}(?:\u00a0\d{3})*(?:,\d{2})?\u00a0kr")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


def _sv(msgid: str) -> str:
    with translation.override("sv"):
        return translation.gettext(msgid)


class _PriceReader(HTMLParser):
    """Splits a page's body text into the text of ``.price`` elements and everything else."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.prices: list[str] = []
        self.other: list[str] = []
        self.in_body = False

    def _in_price(self) -> bool:
        return any(is_price for _, is_price in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        is_price = "price" in classes
        if is_price:
            self.prices.append("")
        self.stack.append((tag, is_price))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.in_body:
            return
        if self._in_price():
            self.prices[-1] += data
        else:
            self.other.append(data)


@pytest.fixture
def sv():
    """``sv(msgid)``: the Swedish text a page shows for ``msgid`` (the msgid itself until
    the Swedish catalogue translates it), so the tests hold before and after translation."""
    return _sv


@pytest.fixture
def price_pattern():
    return PRICE


@pytest.fixture
def read_prices():
    """``read_prices(html) -> (price_texts, other_text)``: the text of every ``.price``
    element (whitespace collapsed, non-breaking spaces kept) and the rest of the body."""

    def read(html: str) -> tuple[list[str], str]:
        reader = _PriceReader()
        reader.feed(html)
        prices = [re.sub(r"[ \t\n]+", " ", p).strip() for p in reader.prices]
        return prices, " ".join(reader.other)

    return read


@pytest.fixture
def subcategory(category):
    return Category.objects.create(name="Analoga mixerbord", slug="analoga-mixerbord",
                                   parent=category)


@pytest.fixture
def other_category(db):
    return Category.objects.create(name="Hörlurar", slug="horlurar", position=5)


@pytest.fixture
def with_session(db, client):
    """The client as an anonymous visitor who already has a session (as after a first visit)."""
    session = client.session
    session["cart_count"] = 2
    session.save()
    return client
