"""The carrier export: orders ready to ship, one CSV file per carrier, for the carrier's
booking tool (nShift, PostNord Portal, DHL/Bring/Budbee/Instabox/DB Schenker import).

Every export is a disclosure of personal data to the carrier (P25): for each order one
entry in the disclosure ledger names the carrier, the order number and exactly the data
categories the file held for that order.

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

from django.db import transaction
from django.utils import timezone

from tillit.orders.models import Order
from tillit.privacy import hashing
from tillit.privacy.datamap import registry
from tillit.privacy.ledger import record_disclosure

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
PURPOSE, LEGAL_BASIS = "essential.service", "contract"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_PHONE = re.compile(r"[^0-9+\- ]")


def ready_to_ship(carrier: Carrier | None = None, *, include_exported: bool = False):
    """Packed orders with a carrier, not yet shipped (and not yet exported, unless asked).
    An order whose buyer was erased while it was open (staff override) has no delivery
    details left to send, so it is not among them."""
    orders = Order.objects.filter(status=Order.Status.PACKED, carrier__isnull=False).exclude(
        email__startswith=hashing.PREFIX)
    if carrier is not None:
        orders = orders.filter(carrier=carrier)
    if not include_exported:
        orders = orders.filter(exported_at__isnull=True)
    return orders.select_related("carrier", "user").order_by("number")


def _text(value: str) -> str:
    value = " ".join(str(value).split())
    return "'" + value if value.startswith(_FORMULA_START) else value


def row_for(order: Order) -> dict[str, str]:
    """The row the carrier receives for ``order``."""
    return {
        "order_number": str(order.number),
        "name": _text(order.shipping_name), "company": _text(order.shipping_company),
        "street": _text(order.shipping_street), "street2": _text(order.shipping_street2),
        "postal_code": _text(order.shipping_postal_code), "city": _text(order.shipping_city),
        "country": _text(order.shipping_country),
        "phone": _NOT_PHONE.sub("", order.shipping_phone or order.billing_phone).strip(),
        "email": _text(order.contact_email),
    }


def categories_sent(row: dict[str, str]) -> list[str]:
    """The data categories (from the data map) a row actually carries; empty columns send
    nothing."""
    declaration = registry.get(Order)
    return declaration.categories(SOURCE_FIELDS[col] for col, value in row.items() if value)


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
    orders: list[Order] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.content.encode(ENCODING)


def export(orders, *, recorded_by=None, now=None) -> list[CarrierFile]:
    """Build one CSV per carrier for ``orders`` (those without a carrier are skipped),
    record one disclosure per order and stamp the orders as exported.

    Runs in a transaction: callers that write the files inside it (see the command) get
    no disclosure for a file that was never written.
    """
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    by_carrier: dict[int, CarrierFile] = {}
    rows: dict[int, list[dict[str, str]]] = {}
    with transaction.atomic():
        for order in sorted(orders, key=lambda o: o.number):
            if order.carrier is None:
                continue
            carrier = order.carrier
            file = by_carrier.setdefault(
                carrier.pk, CarrierFile(carrier, f"{carrier.code}-{stamp}.csv", ""))
            row = row_for(order)
            rows.setdefault(carrier.pk, []).append(row)
            file.orders.append(order)
            record_disclosure(
                recipient_kind="carrier", recipient=carrier.name,
                categories=categories_sent(row), purpose=PURPOSE, legal_basis=LEGAL_BASIS,
                user=order.user, email=order.email, reference=str(order.number),
                recorded_by=recorded_by,
            )
        exported = [o.pk for f in by_carrier.values() for o in f.orders]
        Order.objects.filter(pk__in=exported).update(exported_at=now)
        for pk, file in by_carrier.items():
            file.content = to_csv(rows[pk])
    return list(by_carrier.values())
