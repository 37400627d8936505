"""Klarna's arithmetic on random carts: amounts in öre, tax per line within one öre of
Klarna's formula, and order sums that add up, so the provider never refuses a cart."""

from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.payments.klarna_helpers import merchant_urls
from tillit.cart.selectors import summarize
from tillit.core.money import Money, vat_part
from tillit.payments.klarna import payload
from tillit.payments.klarna.emulator import validation

RATES = (2500, 1200, 600, 0)


def cart_line(n, price, quantity, rate, kind="physical"):
    product = SimpleNamespace(sku=f"SKU-{n}", name=f"Produkt {n}", price_ore=price,
                              vat_rate=rate, kind=kind)
    return SimpleNamespace(product=product, quantity=quantity)


carts = st.lists(
    st.tuples(st.integers(0, 5_000_000), st.integers(1, 99), st.sampled_from(RATES),
              st.sampled_from(["physical", "licence", "cloud"])),
    min_size=1, max_size=25,
).map(lambda rows: [cart_line(n, *row) for n, row in enumerate(rows)])


def exact_tax(total: int, rate: int) -> Fraction:
    """Klarna's formula without rounding: total − total × 10000 / (10000 + rate)."""
    return total - Fraction(total * 10000, 10000 + rate)


@settings(max_examples=60, deadline=None)
@given(carts)
def test_every_line_is_in_ore_with_tax_within_one_ore_of_klarnas_formula(lines):
    for cart, sent in zip(lines, payload.order_lines(lines), strict=True):
        assert sent["unit_price"] == cart.product.price_ore
        assert sent["total_amount"] == cart.product.price_ore * cart.quantity
        assert sent["tax_rate"] == cart.product.vat_rate
        assert all(isinstance(sent[k], int) for k in
                   ("unit_price", "total_amount", "total_tax_amount", "tax_rate"))
        assert abs(sent["total_tax_amount"] - exact_tax(sent["total_amount"],
                                                        sent["tax_rate"])) <= 1
        assert sent["total_tax_amount"] == vat_part(sent["total_amount"], sent["tax_rate"])


@settings(max_examples=60, deadline=None)
@given(carts)
def test_order_sums_are_the_sums_of_the_lines_and_match_the_cart_totals(lines):
    body = payload.checkout_payload(SimpleNamespace(lines=lines),
                                    merchant_urls=merchant_urls())

    assert body["order_amount"] == sum(x["total_amount"] for x in body["order_lines"])
    assert body["order_tax_amount"] == sum(x["total_tax_amount"] for x in body["order_lines"])
    assert body["order_amount"] == sum(x.product.price_ore * x.quantity for x in lines)
    assert validation.order_errors(body) == []


@settings(max_examples=30, deadline=None)
@given(carts)
def test_the_amounts_sent_are_the_totals_and_vat_the_cart_page_shows(lines):
    for line in lines:
        line.total = Money(line.product.price_ore * line.quantity)
    summary = summarize(lines)

    body = payload.checkout_payload(summary, merchant_urls=merchant_urls())

    assert body["order_amount"] == summary.total.ore
    assert body["order_tax_amount"] == sum(row.vat.ore for row in summary.vat)


def test_payload_is_swedish_with_the_four_merchant_urls_and_no_buyer_details():
    body = payload.checkout_payload(SimpleNamespace(lines=[cart_line(1, 12500, 2, 2500)]),
                                    merchant_urls=merchant_urls(), locale="en-SE")

    assert (body["purchase_country"], body["purchase_currency"], body["locale"]) == (
        "SE", "SEK", "en-SE")
    assert set(body["merchant_urls"]) == {"terms", "checkout", "confirmation", "push"}
    assert not {"billing_address", "shipping_address", "customer"} & set(body)


def test_licences_and_cloud_services_are_digital_lines():
    lines = payload.order_lines([cart_line(1, 100, 1, 2500, "licence"),
                                 cart_line(2, 100, 1, 2500, "cloud"),
                                 cart_line(3, 100, 1, 2500, "physical")])

    assert [x["type"] for x in lines] == ["digital", "digital", "physical"]


@pytest.mark.parametrize("urls", [
    {k: v for k, v in merchant_urls().items() if k != "push"},
    {**merchant_urls(), "push": merchant_urls()["checkout"]},
])
def test_a_payload_without_a_distinct_push_url_is_refused(urls):
    with pytest.raises(ValueError):
        payload.checkout_payload(SimpleNamespace(lines=[cart_line(1, 100, 1, 2500)]),
                                 merchant_urls=urls)


@pytest.mark.parametrize("bad", [{"quantity": 0}, {"unit_price": -1}, {"tax_rate": 10001},
                                 {"unit_price": 12.5}, {"quantity": True}])
def test_order_line_refuses_what_is_not_whole_ore(bad):
    fields = {"reference": "X", "name": "X", "quantity": 1, "unit_price": 100,
              "tax_rate": 2500, **bad}
    with pytest.raises((TypeError, ValueError)):
        payload.order_line(**fields)
