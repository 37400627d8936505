"""P01 "Alla priser inkl. moms": every price on a catalogue page is a Swedish price
including VAT and says so; the product page shows the VAT part and rate."""

import pytest
from django.urls import reverse

from tillit.catalog import demo
from tillit.catalog.models import Product


@pytest.fixture
def priced(make_product, category):
    """One product per VAT rate, with prices that exercise grouping and öre."""
    return [
        make_product(name="Mixer Tjugofem", price_ore=129900, vat_rate=2500, is_featured=True),
        make_product(name="Mixer Tolv", price_ore=123456789, vat_rate=1200, is_featured=True),
        make_product(name="Mixer Sex", price_ore=34950, vat_rate=600, is_featured=True),
    ]


def _assert_every_price_says_incl_vat(html, read_prices, price_pattern, sv, expected_count):
    prices, rest = read_prices(html)
    assert len(prices) == expected_count
    for text in prices:
        assert price_pattern.match(text), text
        amount_end = price_pattern.match(text).end()
        assert text[amount_end:].strip().startswith(sv("incl. VAT")), text
    # No amount of money anywhere on the page outside a price that says "incl. VAT".
    assert not price_pattern.search(rest), price_pattern.search(rest)


@pytest.mark.promise("P01.a")
@pytest.mark.parametrize("page", ["home", "category", "search"])
def test_every_price_on_listing_pages_is_followed_by_incl_vat(
    client, priced, category, read_prices, price_pattern, sv, page
):
    url = {"home": reverse("catalog:home"), "category": category.get_absolute_url(),
           "search": reverse("catalog:search") + "?q=Mixer"}[page]
    html = client.get(url).content.decode()
    _assert_every_price_says_incl_vat(html, read_prices, price_pattern, sv, len(priced))


@pytest.mark.promise("P01.a")
def test_listing_shows_prices_in_swedish_format(client, priced, category):
    html = client.get(category.get_absolute_url()).content.decode()
    assert "1\u00a0299\u00a0kr" in html
    assert "1\u00a0234\u00a0567,89\u00a0kr" in html
    assert "349,50\u00a0kr" in html


@pytest.mark.promise("P01.a")
def test_product_page_shows_price_incl_vat_with_the_vat_amount_and_rate(
    client, product, read_prices, price_pattern, sv
):
    assert (product.price_ore, product.vat_rate) == (129900, 2500)
    html = client.get(product.get_absolute_url()).content.decode()
    _assert_every_price_says_incl_vat(html, read_prices, price_pattern, sv, 1)
    vat_line = sv("of which VAT %(vat)s (%(rate)s)") % {"vat": "259,80\u00a0kr",
                                                         "rate": "25\u00a0%"}
    assert vat_line in html


@pytest.mark.promise("P01.a")
@pytest.mark.parametrize(("price_ore", "rate", "vat", "rate_text"), [
    (129900, 2500, "259,80\u00a0kr", "25\u00a0%"),
    (11200, 1200, "12\u00a0kr", "12\u00a0%"),
    (34900, 600, "19,75\u00a0kr", "6\u00a0%"),
])
def test_product_page_vat_part_follows_the_products_rate(
    client, make_product, sv, price_ore, rate, vat, rate_text
):
    item = make_product(price_ore=price_ore, vat_rate=rate)
    html = client.get(item.get_absolute_url()).content.decode()
    assert sv("of which VAT %(vat)s (%(rate)s)") % {"vat": vat, "rate": rate_text} in html


@pytest.mark.promise("P01.a")
def test_demo_catalogue_pages_keep_the_promise(client, db, read_prices, price_pattern, sv):
    demo.load()
    urls = [reverse("catalog:home"), reverse("catalog:search") + "?q=kabel"]
    urls += [p.get_absolute_url() for p in Product.objects.filter(is_active=True)[:5]]
    for url in urls:
        html = client.get(url).content.decode()
        prices, rest = read_prices(html)
        assert prices, url
        assert all(sv("incl. VAT") in text for text in prices), url
        assert not price_pattern.search(rest), url
