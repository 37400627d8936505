"""Contacts from a supplier (P16): staff import a CSV the supplier passed on, and only rows
that carry the proof of the person's consent are taken.

The file: UTF-8 (a byte-order mark is fine), ``;`` or ``,`` between columns, a header row
naming the columns ``email``, ``name``, ``phone``, ``channel`` (``e-post``/``email`` or
``sms``), ``proof_reference`` (the supplier's reference for the consent), ``proof_text``
(the words the person agreed to) and ``proof_date`` (when, ``YYYY-MM-DD``). At most
:data:`MAX_ROWS` rows and :data:`MAX_BYTES` bytes.

A row is refused, with its line number and the reasons, when its proof is missing or
incomplete, its date is not a date or lies in the future, the address or (for SMS) the
mobile number is not valid, the address appears twice in the file, or the ledger holds a
no from that address or number for that channel (a STOPP included), or the person was
erased: a supplier's word never outweighs what the person told the shop. Nothing of a
refused row is kept.

Each row taken becomes a consent in the ledger (method: supplier import; the supplier's
words and reference; recorded when imported) and an :class:`ImportedContact` (with the
day it was given at the supplier), and the
person is sent the notice of GDPR art. 14 at once: who we are, where we got their details,
which ones, why, for how long, and a link to say no in one click.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.core import mail
from tillit.core.links import absolute
from tillit.core.phone import same_mobile
from tillit.privacy import consents, taxonomy
from tillit.privacy.datamap import CONSENT, registry
from tillit.privacy.models import Consent

from .models import ContactImport, ImportedContact
from .privacy import NEWSLETTER, SMS
from .services import unsubscribe_token

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
COLUMNS = ("email", "name", "phone", "channel", "proof_reference", "proof_text", "proof_date")
REQUIRED = ("email", "channel", "proof_reference", "proof_text", "proof_date")
CHANNELS = {"e-post": ImportedContact.Channel.EMAIL, "epost": ImportedContact.Channel.EMAIL,
            "email": ImportedContact.Channel.EMAIL, "sms": ImportedContact.Channel.SMS}
TOPICS = {ImportedContact.Channel.EMAIL: NEWSLETTER, ImportedContact.Channel.SMS: SMS}


class FileRefused(ValueError):
    """The file as a whole cannot be read (too big, not UTF-8, no header, columns missing);
    the message says why, for staff."""


@dataclass
class Report:
    batch: ContactImport | None = None
    accepted: int = 0
    refused: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str
    name: str
    phone: str
    channel: str
    reference: str
    words: str
    given_on: dt.date


def _rows(data: bytes) -> tuple[list[dict], int]:
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES >> 20})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The file is not UTF-8 text.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _read(reader)
    except csv.Error:
        raise FileRefused(_("The file is not a CSV file the import can read.")) from None


def _read(reader: csv.DictReader) -> tuple[list[dict], int]:
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileRefused(_("The header row lacks the columns: %(columns)s.")
                          % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    rows = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise FileRefused(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
        rows.append({k: (v or "").strip() if isinstance(v, str) else ""
                     for k, v in row.items() if k})
    return rows, len(rows)


def _check(line: int, raw: dict, seen: set[str], today: dt.date) -> tuple[_Row | None, list]:
    reasons = []
    email = raw.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        reasons.append(_("no valid e-mail address"))
    if email.lower() in seen:
        reasons.append(_("the address is in the file twice"))
    channel = CHANNELS.get(raw.get("channel", "").lower())
    if channel is None:
        reasons.append(_("unknown channel (e-post or sms)"))
    phone = same_mobile(raw.get("phone", ""))
    if channel == ImportedContact.Channel.SMS and not phone:
        reasons.append(_("no valid mobile number for SMS"))
    reference, words = raw.get("proof_reference", ""), raw.get("proof_text", "")
    if not reference:
        reasons.append(_("no proof reference"))
    if not words:
        reasons.append(_("no text of what the person agreed to"))
    if len(reference) > 200 or len(words) > 2000 or len(raw.get("name", "")) > 150:
        reasons.append(_("a value is too long"))
    try:
        given_on = dt.date.fromisoformat(raw.get("proof_date", ""))
    except ValueError:
        given_on = None
        reasons.append(_("no valid date of the consent (YYYY-MM-DD)"))
    if given_on is not None and given_on > today:
        reasons.append(_("the date of the consent is in the future"))
    if any(ord(ch) < 32 for value in raw.values() for ch in value):
        reasons.append(_("a value holds control characters"))
    if len(email) > 254:
        reasons.append(_("a value is too long"))
    if not reasons:
        topic = TOPICS[channel]
        said_no = Q(email__iexact=email) | (Q(phone=phone) if phone else Q(pk__in=[]))
        if Consent.objects.filter(said_no, topic=topic.key, given=False).exists():
            reasons.append(_("the person has said no to the shop"))
        elif consents.erased(email=email, phone=phone):
            reasons.append(_("the person has had their data erased by the shop"))
    if reasons:
        return None, reasons
    seen.add(email.lower())
    return _Row(line, email, raw.get("name", ""), phone, channel, reference, words,
                given_on), []


def run(data: bytes, *, supplier: str, filename: str, staff) -> Report:
    """Import the file ``data`` from ``supplier``; raises :class:`FileRefused` when the
    file as a whole cannot be read."""
    supplier = " ".join(supplier.split())
    if not supplier:
        raise FileRefused(_("Name the supplier the file came from."))
    rows, _count = _rows(data)
    today = timezone.localdate()
    report, seen, taken = Report(), set(), []
    for line, raw in enumerate(rows, start=2):
        row, reasons = _check(line, raw, seen, today)
        if row is None:
            report.refused.append((line, reasons))
        else:
            taken.append(row)
    with transaction.atomic():
        batch = ContactImport.objects.create(supplier=supplier, filename=filename[:200],
                                             accepted=len(taken),
                                             refused=len(report.refused))
        for row in taken:
            _take(row, batch, staff)
    report.batch, report.accepted = batch, len(taken)
    return report


def _take(row: _Row, batch: ContactImport, staff) -> None:
    topic = TOPICS[row.channel]
    # Recorded now, when the shop takes it: the day given at the supplier is kept on the
    # contact, and never makes the row older than a no the person has given the shop.
    consent = consents.record(
        topic.key, given=True, method=Consent.Method.IMPORT, basis=CONSENT,
        email=row.email, phone=row.phone if row.channel == ImportedContact.Channel.SMS else "",
        words=row.words, proof=f"{batch.supplier}: {row.reference}"[:200],
        recorded_by=staff)
    contact = ImportedContact.objects.create(
        batch=batch, source=batch.supplier, email=row.email, name=row.name[:150],
        phone=row.phone, channel=row.channel, proof_reference=row.reference,
        proof_date=row.given_on, consent=consent)
    notify(contact)


def notify(contact: ImportedContact) -> None:
    """The notice of GDPR art. 14 to one imported person, its words about their data read
    from the data map; ``notified_at`` records that it went."""
    decl = registry.get(ImportedContact)
    given = [name for name in ("email", "name", "phone") if getattr(contact, name)]
    with translation.override(settings.LANGUAGE_CODE):
        categories = [str(taxonomy.CATEGORIES[decl.fields[name].category]).lower()
                      for name in given]
        mail.send("marketing/email/imported_notice", {
            "contact": contact, "categories": categories,
            "channel": contact.get_channel_display(),
            "use": decl.uses[0].description, "retention": decl.retention.describe(),
            "words": contact.consent.text.text if contact.consent and contact.consent.text
            else "",
            "no_link": absolute(reverse("marketing:unsubscribe",
                                        args=[unsubscribe_token(contact.consent)])),
            "policy_url": absolute(reverse("privacy:policy")),
        }, [contact.email])
    ImportedContact.objects.filter(pk=contact.pk).update(notified_at=timezone.now())
