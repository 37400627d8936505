"""VAT numbers as the receipt prints them: normalised, or nothing when it is not one."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tillit.core import vatnumber


@pytest.mark.parametrize(("given_value", "expected"), [
    ("SE556677889901", "SE556677889901"), ("se 5566 7788-9901", "SE556677889901"),
    ("DE123456789", "DE123456789"), ("NL123456789B01", "NL123456789B01"),
    ("SE5566778899", ""), ("SE556677889902", ""), ("XX123456789", ""),
    ("NOTAVATNUMBER", ""), ("SE", ""), ("", ""), (None, ""), (556677889901, ""),
])
def test_vat_numbers_are_normalised_or_refused(given_value, expected):
    assert vatnumber.normalise(given_value) == expected


@given(st.text(max_size=40))
def test_whatever_comes_in_what_comes_out_is_a_vat_number_or_nothing(value):
    result = vatnumber.normalise(value)
    assert result == "" or (vatnumber.normalise(result) == result and 4 <= len(result) <= 14
                            and result[:2].isalpha())
