"""Offers by letter (P20.d): staff export the names and addresses of the people whose
newest letter row in the consent ledger says yes, as a CSV for the print house.

Only account holders with an address can get a letter: their own name (and company), at
their default address-book entry (or their first). Each export is a disclosure to the
print house in the ledger, per person, naming exactly the categories in the file; the
file is kept in
``TILLIT_LETTER_FILES_DIR`` until the nightly sweep deletes it (``LETTER_FILE_DAYS``).

File layout: UTF-8, ``;`` between columns, CRLF line ends, quoted as RFC 4180; columns
``name``, ``company``, ``street``, ``postal_code``, ``city``, ``country``. A value that would
start a spreadsheet formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tillit.accounts.models import Address, User
from tillit.core.spreadsheet import cell as _text
from tillit.privacy.datamap import CONSENT, registry
from tillit.privacy.ledger import record_disclosure

from .models import Campaign
from .privacy import LETTER

COLUMNS = ("name", "company", "street", "postal_code", "city", "country")
# Where each column comes from: the account (name, company) or the address-book entry;
# the data map's declarations of those give the categories the disclosure names.
SOURCES = {"name": (User, "name"), "company": (User, "company"), "street": (Address, "street"),
           "postal_code": (Address, "postal_code"), "city": (Address, "city"),
           "country": (Address, "country")}


def category(column: str) -> str:
    model, name = SOURCES[column]
    return registry.get(model).fields[name].category
@dataclass
class LetterFile:
    filename: str
    content: str
    people: int
    without_address: int

    @property
    def data(self) -> bytes:
        return self.content.encode("utf-8")


def export(campaign: Campaign, *, staff) -> LetterFile:
    """The recipients of the letter campaign as a CSV, kept on disk and recorded as a
    disclosure per person; the campaign is then marked sent."""
    if campaign.channel != Campaign.Channel.LETTER:
        raise ValueError("Only a letter campaign is exported for the print house.")
    from tillit.privacy import consents

    rows = consents.holders(LETTER.key, basis=CONSENT).filter(user__isnull=False)
    user_ids = list(rows.values_list("user_id", flat=True))
    addresses: dict[int, Address] = {}
    for address in Address.objects.filter(user_id__in=user_ids).select_related(
            "user").order_by("user_id", "-is_default", "id"):
        addresses.setdefault(address.user_id, address)
    # The account holder's own name, never the address entry's (a gift's recipient, who
    # never said yes), at their default address.
    lines = [{"name": _text(a.user.name), "company": _text(a.user.company),
              "street": _text(a.street), "postal_code": _text(a.postal_code),
              "city": _text(a.city), "country": _text(a.country)}
             for a in addresses.values()]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";",
                            quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lines)
    now = timezone.now()
    letter = LetterFile(filename=f"brev-{campaign.pk}-{now:%Y%m%d-%H%M%S}.csv",
                        content=buffer.getvalue(), people=len(lines),
                        without_address=len(set(user_ids)) - len(lines))
    with transaction.atomic():
        # Claimed first: two staff exporting at once write one file and one disclosure.
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
                status=Campaign.Status.SENT, sent_at=now):
            raise ValueError("The letter was exported already.")
        for address, line in zip(addresses.values(), lines, strict=True):
            sent = [category(c) for c in COLUMNS if line[c]]
            record_disclosure(recipient_kind="print_house", recipient="",
                              categories=sent, purpose=LETTER.purpose, legal_basis=CONSENT,
                              user=address.user, reference=f"{campaign.pk}: {campaign}",
                              recorded_by=staff, occurred_at=now)
        folder = Path(settings.TILLIT_LETTER_FILES_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / letter.filename).write_bytes(letter.data)
    return letter
