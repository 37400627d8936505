"""The org.nr, phone and postal-code checks behind the account and address forms."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.accounts.validators import (
    luhn_valid,
    normalise_org_nr,
    normalise_phone,
    normalise_postal_code,
    reject_control_characters,
)


@pytest.mark.parametrize("typed", [
    "969790-7807", "9697907807", "969790 7807", " 969790-7807 ", "16969790-7807",
    "169697907807",
])
def test_org_nr_is_normalised_to_six_digits_hyphen_four(typed):
    assert normalise_org_nr(typed) == "969790-7807"


@pytest.mark.parametrize("typed", [
    "969790-7808",    # wrong check digit
    "969790-780",     # too short
    "969790-78077",   # too long
    "96979O-7807",    # letter O for zero
    "969790--7807",
    "17969790-7807",  # only the 16 prefix is a known form
    "٩٦٩٧٩٠-٧٨٠٧",    # Arabic-Indic digits are digits, but not ours
    "",
])
def test_org_nr_rejects_wrong_format_or_check_digit(typed):
    with pytest.raises(ValidationError):
        normalise_org_nr(typed)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
@settings(max_examples=60)
def test_exactly_one_check_digit_makes_an_org_nr_valid(nine):
    valid = [d for d in "0123456789" if luhn_valid(nine + d)]
    assert len(valid) == 1
    assert normalise_org_nr(nine + valid[0]) == f"{nine[:6]}-{nine[6:]}{valid[0]}"


@given(st.text(max_size=40))
@settings(max_examples=60)
def test_org_nr_check_returns_the_canonical_form_or_refuses(text):
    try:
        result = normalise_org_nr(text)
    except ValidationError:
        return
    digits = result.replace("-", "")
    assert len(result) == 11 and result[6] == "-" and digits.isascii() and luhn_valid(digits)


@pytest.mark.parametrize(("typed", "stored"), [
    ("070-174 06 50", "070-174 06 50"),
    ("+46  70 174   06 50", "+46 70 174 06 50"),
    ("(036) 12 34 56", "(036) 12 34 56"),
])
def test_phone_keeps_what_was_typed_with_spaces_collapsed(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "ring mig", "070+1740650", "0701740650\n1",
                                   "1" * 21])
def test_phone_rejects_letters_short_or_long_numbers(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


@pytest.mark.parametrize("typed", ["56531", "565 31", " 565 31 "])
def test_postal_code_is_normalised_to_three_space_two(typed):
    assert normalise_postal_code(typed) == "565 31"


@pytest.mark.parametrize("typed", ["5653", "565-31", "SE-565 31", "565  31", "565311"])
def test_postal_code_rejects_other_shapes(typed):
    with pytest.raises(ValidationError):
        normalise_postal_code(typed)


@pytest.mark.parametrize("text", ["Kim\tKund", "Kim\nKund", "Kim\x1bKund", "Kim\x7fKund"])
def test_single_line_text_refuses_control_characters(text):
    with pytest.raises(ValidationError):
        reject_control_characters(text)


def test_single_line_text_accepts_letters_of_any_script():
    reject_control_characters("Åsa Öberg-Ødegård Ελένη 李")
