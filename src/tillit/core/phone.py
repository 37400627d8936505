"""Mobile numbers as the SMS gateway takes them: E.164 (``+46701234567``), parsed with
Google's libphonenumber rules (``phonenumberslite``), Swedish when no country is given."""

from __future__ import annotations

import phonenumbers


class NotAMobileNumber(ValueError):
    """The text is not a valid mobile number."""


def mobile_e164(value: str, region: str = "SE") -> str:
    """``value`` as E.164; raises :class:`NotAMobileNumber` unless it is a valid mobile
    (or mobile-or-fixed) number."""
    try:
        number = phonenumbers.parse(str(value or ""), region)
    except phonenumbers.NumberParseException:
        raise NotAMobileNumber(value) from None
    kinds = (phonenumbers.PhoneNumberType.MOBILE,
             phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in kinds:
        raise NotAMobileNumber(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def same_mobile(value: str) -> str:
    """``value`` as E.164 when it is a mobile number, else "" (for matching, never raises)."""
    try:
        return mobile_e164(value)
    except NotAMobileNumber:
        return ""
