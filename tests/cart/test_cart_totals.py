"""Cart totals include VAT and show the VAT part per rate (P01)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tillit.core.money import format_sek


@pytest.mark.promise("P01.b")
def test_cart_totals_show_vat_per_rate_for_mixed_rates(client, make_product, add_to_cart):
    # Prices chosen so each VAT part is exact: 125 kr at 25 % holds 25 kr of VAT, etc.
    add_to_cart(client, make_product(price_ore=12500, vat_rate=2500), 2)
    add_to_cart(client, make_product(price_ore=11200, vat_rate=1200), 3)
    add_to_cart(client, make_product(price_ore=10600, vat_rate=600), 1)

    response = client.get(reverse("cart:detail"))
    cart = response.context["cart"]

    assert cart.total.ore == 2 * 12500 + 3 * 11200 + 10600
    assert {row.rate_bp: row.vat.ore for row in cart.vat} == {2500: 5000, 1200: 3600, 600: 600}
    assert cart.net.ore == 2 * 10000 + 3 * 10000 + 10000
    content = response.content.decode()
    for rate, vat in ((2500, 5000), (1200, 3600), (600, 600)):
        row = re.search(rf'data-vat-rate="{rate}">.*?<td class="num">([^<]*)</td>', content)
        assert row and row.group(1) == format_sek(vat)
    assert f"data-total>{format_sek(69200)}<" in content
    assert f"data-net>{format_sek(60000)}<" in content


@pytest.mark.promise("P01.b")
def test_vat_is_computed_per_line_and_rounded_as_klarna_does(client, make_product,
                                                             add_to_cart):
    # 99,90 kr at 25 %: net 79,92 kr, VAT 19,98 kr; two lines of it hold 39,96 kr of VAT.
    add_to_cart(client, make_product(price_ore=9990, vat_rate=2500), 1)
    add_to_cart(client, make_product(price_ore=9990, vat_rate=2500), 1)
    # 10,00 kr at 6 %: net 9,43 kr (943,4 öre rounds down), VAT 0,57 kr.
    add_to_cart(client, make_product(price_ore=1000, vat_rate=600), 1)

    cart = client.get(reverse("cart:detail")).context["cart"]

    assert [(row.rate_bp, row.vat.ore) for row in cart.vat] == [(2500, 3996), (600, 57)]
    assert cart.total.ore == 20980
    assert cart.net.ore == 20980 - 3996 - 57


@pytest.mark.promise("P01.a")
def test_cart_shows_unit_prices_incl_vat_with_their_rate(client, make_product, add_to_cart):
    add_to_cart(client, make_product(price_ore=4900, vat_rate=1200), 1)

    content = client.get(reverse("cart:detail")).content.decode()

    assert format_sek(4900) in content
    assert "12\u00a0%" in content
    headers = re.findall(r"<th[^>]*>(.*?)</th>", content)
    with translation.override("sv"):
        # Both money columns, unit price and line total, say they include VAT.
        assert gettext("Unit price incl. VAT") in headers
        assert gettext("Total incl. VAT") in headers
        assert f'{gettext("incl. VAT")} 12\u00a0%' in content
