"""The carrier file: one CSV per carrier for the carrier's booking tool (nShift, PostNord
Portal, DHL/Bring/Budbee/Instabox/DB Schenker import). This module knows the layout and
nothing of orders but the fields a row reads; the orders app picks the orders and records
each export as a disclosure (``orders/carrier_export.py``).

File layout
-----------
* One file per carrier, named ``<carrier code>-<YYYYMMDD-HHMMSS>.csv``.
* Encoding UTF-8 (no byte-order mark); line ends CRLF; separator ``;`` (semicolon);
  text quoted with ``"`` only when it holds a separator, a quote or a line break
  (quotes doubled), as RFC 4180 does.
* The first row holds the column names below; then one row per order (one parcel each),
  in order-number order.

=============  ==========================================================  ===========
column         content                                                      example
=============  ==========================================================  ===========
order_number   our order number, the carrier's reference for the parcel      100042
name           recipient's name                                             Kim Kund
company        recipient's company, empty for consumers                     JKSound HB
street         street address                                               Storgatan 1
street2        street address, second line (c/o, floor), may be empty
postal_code    postal code as given                                         565 31
city           city                                                         Mullsjö
country        ISO 3166-1 alpha-2 country code                              SE
phone          phone number for delivery notices (digits, + - and spaces)   070-1234567
email          e-mail address for delivery notices                          kund@example.com
=============  ==========================================================  ===========

Nothing else is sent: no prices, no goods, no billing address. A text value that would
start a spreadsheet formula (``= + - @``) gets a leading apostrophe, so a name cannot run
as a formula when staff open the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from tillit.core.spreadsheet import cell as _text

from .models import Carrier

COLUMNS = ["order_number", "name", "company", "street", "street2", "postal_code", "city",
           "country", "phone", "email"]
# The order field behind each column; the data map gives its category, and declares what
# a carrier may receive (orders/privacy.py).
SOURCE_FIELDS = {
    "order_number": "number", "name": "shipping_name", "company": "shipping_company",
    "street": "shipping_street", "street2": "shipping_street2",
    "postal_code": "shipping_postal_code", "city": "shipping_city",
    "country": "shipping_country", "phone": "shipping_phone", "email": "email",
}
ENCODING = "utf-8"
DELIMITER = ";"

_NOT_PHONE = re.compile(r"[^0-9+\- ]")


def row_for(order) -> dict[str, str]:
    """The row the carrier receives for ``order`` (an order's shipping fields, its number,
    and ``contact_email``: empty once its buyer was erased)."""
    return {
        "order_number": str(order.number),
        "name": _text(order.shipping_name), "company": _text(order.shipping_company),
        "street": _text(order.shipping_street), "street2": _text(order.shipping_street2),
        "postal_code": _text(order.shipping_postal_code), "city": _text(order.shipping_city),
        "country": _text(order.shipping_country),
        "phone": _NOT_PHONE.sub("", order.shipping_phone or order.billing_phone).strip(),
        "email": _text(order.contact_email),
    }


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=DELIMITER,
                            quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass
class CarrierFile:
    carrier: Carrier
    filename: str
    content: str
    orders: list = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.content.encode(ENCODING)
