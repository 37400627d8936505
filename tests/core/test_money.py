"""Money is integer öre; VAT is computed per line as Klarna computes it (P01)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tillit.core.money import Money, format_rate, format_sek, vat_breakdown, vat_part


@pytest.mark.parametrize(("gross", "rate", "vat"), [
    (129900, 2500, 25980),   # 1 299 kr at 25 %: 259,80 kr
    (10000, 2500, 2000),
    (11200, 1200, 1200),
    (10600, 600, 600),
    (1, 2500, 0),
    (0, 2500, 0),
    (99, 600, 6),
])
def test_vat_part_of_a_gross_price(gross, rate, vat):
    assert vat_part(gross, rate) == vat


@given(gross=st.integers(min_value=0, max_value=10**10), rate=st.sampled_from([2500, 1200, 600]))
def test_vat_part_matches_klarnas_formula_within_one_ore(gross, rate):
    exact = gross - gross * 10000 / (10000 + rate)
    assert abs(vat_part(gross, rate) - exact) <= 0.5


@pytest.mark.parametrize(("ore", "text"), [
    (129900, "1\u00a0299\u00a0kr"),
    (129950, "1\u00a0299,50\u00a0kr"),
    (4900, "49\u00a0kr"),
    (5, "0,05\u00a0kr"),
    (123456789, "1\u00a0234\u00a0567,89\u00a0kr"),
    (-4500, "-45\u00a0kr"),
])
def test_swedish_price_format(ore, text):
    assert format_sek(ore) == text


def test_rates_are_shown_in_percent():
    assert format_rate(2500) == "25\u00a0%"
    assert format_rate(600) == "6\u00a0%"


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5)
    with pytest.raises(ValueError):
        Money(100) + Money(100, "EUR")
    assert Money(100) * 3 == Money(300)
    assert str(Money(129900)) == "1\u00a0299\u00a0kr"


def test_vat_breakdown_groups_per_rate_highest_first():
    lines = [(129900, 2500), (10600, 600), (25000, 2500), (11200, 1200)]
    breakdown = vat_breakdown(lines)
    assert [b.rate_bp for b in breakdown] == [2500, 1200, 600]
    assert breakdown[0].gross == Money(154900)
    assert breakdown[0].vat == Money(vat_part(129900, 2500) + vat_part(25000, 2500))
    assert breakdown[2].net == Money(10000)


def test_zero_is_shown_without_a_sign():
    assert format_sek(0) == "0\u00a0kr"
    assert format_sek(-1) == "-0,01\u00a0kr"


def test_money_arithmetic_keeps_its_currency_and_its_amounts():
    """What mutation testing found no test noticed (issue 16 §7)."""
    euro = Money(1000, "EUR")
    assert euro + Money(250, "EUR") == Money(1250, "EUR")
    assert euro - Money(250, "EUR") == Money(750, "EUR")
    assert euro * 3 == Money(3000, "EUR") and 3 * euro == Money(3000, "EUR")
    assert (euro * 0).ore == 0
    with pytest.raises(TypeError):
        euro * 1.5
    with pytest.raises(TypeError):
        euro * "2"
    with pytest.raises(ValueError, match="Cannot mix EUR and SEK"):
        euro + Money(1)


def test_the_vat_of_an_amount_is_its_vat_part_in_its_currency():
    assert Money(12500).vat(2500) == Money(2500)
    assert Money(10600, "EUR").vat(600) == Money(600, "EUR")
    assert str(Money(129950)) == "1\u00a0299,50\u00a0kr"


@pytest.mark.parametrize(("rate", "text"), [
    (2500, "25\u00a0%"), (600, "6\u00a0%"), (1250, "12,5\u00a0%"), (1205, "12,05\u00a0%"),
    (1010, "10,1\u00a0%"), (5, "0,05\u00a0%"),
])
def test_every_rate_is_shown_with_its_decimals_and_no_trailing_zero(rate, text):
    assert format_rate(rate) == text


def test_money_says_why_it_refuses_a_value():
    with pytest.raises(TypeError, match="Money is whole öre"):
        Money(1.0)
    with pytest.raises(TypeError, match="Money is whole öre"):
        Money(True)
    with pytest.raises(TypeError, match="multiplied by whole quantities"):
        Money(100) * 1.5
