"""VAT registration numbers (momsregistreringsnummer) as the EU writes them: the member
state's code, then 2-12 letters and digits (Sweden: SE, the org.nr's ten digits, 01)."""

from __future__ import annotations

import re

# EU member states (Greece is EL) and Northern Ireland (XI), as VIES lists them.
_PATTERN = re.compile(r"^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|"
                      r"PT|RO|SE|SI|SK|XI)(?=[0-9A-Z+*]*\d)[0-9A-Z+*]{2,12}$")
_SWEDISH = re.compile(r"^SE\d{10}01$")


def normalise(value: object) -> str:
    """``value`` without spaces, dots and hyphens, in capitals, if it is a VAT number;
    otherwise ''. Swedish numbers must be SE + ten digits + 01."""
    if not isinstance(value, str):
        return ""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not _PATTERN.match(compact):
        return ""
    if compact.startswith("SE") and not _SWEDISH.match(compact):
        return ""
    return compact
