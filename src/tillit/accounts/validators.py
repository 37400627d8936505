"""Checks and normalisers for what customers type about themselves.

Each ``normalise_*`` function returns the canonical form of a valid value and raises
``ValidationError`` (with a message for the person typing) for anything else, so a form's
``clean_<field>`` can simply return its result.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Explicit [0-9]: ``\d`` would also accept digits of other scripts.
_ORG_NR = re.compile(r"(?:16)?([0-9]{6})-?([0-9]{4})")
_PHONE = re.compile(r"\+?[0-9 ()-]+")
_POSTAL_CODE = re.compile(r"([0-9]{3}) ?([0-9]{2})")


def luhn_valid(digits: str) -> bool:
    """True when the ASCII digit string ``digits`` passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalise_org_nr(value: str) -> str:
    """A Swedish organisation number as ``NNNNNN-NNNN``.

    Accepts ten digits with or without the hyphen, spaces anywhere, and the twelve-digit
    form with the ``16`` prefix some registers use. The last digit is a Luhn check digit,
    which catches most typing errors. Sole traders use their personal identity number as
    org.nr, so the "third digit at least 2" rule for legal entities is not applied.
    """
    compact = value.replace(" ", "")
    match = _ORG_NR.fullmatch(compact)
    if not match:
        raise ValidationError(
            _("Enter the org.nr as ten digits, NNNNNN-NNNN."), code="org_nr_format"
        )
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        raise ValidationError(
            _("That org.nr is not valid: check the digits."), code="org_nr_checksum"
        )
    return f"{match.group(1)}-{match.group(2)}"


def normalise_phone(value: str) -> str:
    """A phone number as typed, with runs of spaces collapsed.

    Digits, spaces, hyphens, parentheses and a leading ``+``; six to twenty digits.
    """
    value = re.sub(" +", " ", value.strip(" "))
    digit_count = sum(ch in "0123456789" for ch in value)
    if not _PHONE.fullmatch(value) or digit_count < 6 or digit_count > 20:
        raise ValidationError(
            _("Enter a phone number using digits, spaces, hyphens and an optional leading +."),
            code="phone_format",
        )
    return value


def normalise_postal_code(value: str) -> str:
    """A Swedish postal code as ``NNN NN``."""
    match = _POSTAL_CODE.fullmatch(value.strip())
    if not match:
        raise ValidationError(
            _("Enter the postal code as five digits, for example 565 31."),
            code="postal_code_format",
        )
    return f"{match.group(1)} {match.group(2)}"


def reject_control_characters(value: str) -> None:
    """Single-line text (names, streets) may not contain control characters.

    Tabs, newlines and the like would break the address labels and e-mails the text ends
    up in; NUL is already refused by Django's form fields.
    """
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            _("Remove the control characters (such as tabs or line breaks)."),
            code="control_characters",
        )
