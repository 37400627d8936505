"""The right of access (GDPR Art. 15 and 20; P29): everything the shop holds about a
person, gathered by walking the data map, never a hand-kept list.

:func:`collect` returns the export as data; :func:`build_archive` packs it as a ZIP with
``data.json`` for machines, ``schema.json`` (the JSON Schema that ``data.json`` follows,
version ``tillit-access-export/1``: ``schemas/access-export-1.schema.json`` in this
package, where every key is described) and ``rapport.html`` for people
(``export_report``). A model declared in any app's ``privacy.py`` today or later appears
here without a change to this module.

Values in ``data.json``: text and numbers as they are (amounts in öre); dates and times
ISO-8601; a relation as ``{"id": ..., "label": str}``; a password as the fact that one is
set, never the hash.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import export_report, taxonomy
from .datamap import Declaration, Person, registry
from .models import Disclosure

SCHEMA = "tillit-access-export/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "access-export-1.schema.json"
WITHHELD = taxonomy.WITHHELD


def _value(obj: models.Model, field: models.Field, category: str):
    if category in WITHHELD:
        if not getattr(obj, field.attname):
            return _("not set")
        if category == "user.authorization.password":
            return _("set (stored only as a one-way hash)")
        return _("set (never shown: it would let anyone make login codes)")
    if field.is_relation:
        related_id = getattr(obj, field.attname, None)
        if field.many_to_many:
            return [{"id": str(o.pk), "label": str(o)} for o in getattr(obj, field.name).all()]
        if related_id is None:
            return None
        return {"id": str(related_id), "label": str(getattr(obj, field.name))}
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _record(decl: Declaration, person: Person) -> dict:
    meta = decl.model._meta
    fields = {name: meta.get_field(name) for name in decl.fields}
    related = [n for n, f in fields.items() if f.many_to_one or f.one_to_one]
    rows = decl.subject.rows_for(decl.model, person).select_related(*related).order_by("pk")
    if decl.withhold is not None:
        rows = rows.exclude(decl.withhold)
    return {
        "model": decl.label,
        "title": str(decl.title),
        "data_subjects": [str(taxonomy.DATA_SUBJECTS[k]) for k in decl.subject.kinds],
        "retention": str(decl.retention.describe()),
        "on_erasure": str(decl.on_erasure.describe()),
        "fields": {
            name: {"category": spec.category,
                   "category_text": str(taxonomy.CATEGORIES[spec.category]),
                   "source": spec.source, "source_text": str(taxonomy.SOURCES[spec.source])}
            for name, spec in decl.fields.items()
        },
        "uses": [
            {"purpose": u.purpose, "purpose_text": str(taxonomy.PURPOSES[u.purpose]),
             "legal_basis": u.basis, "legal_basis_text": str(taxonomy.BASES[u.basis][0]),
             "article": taxonomy.BASES[u.basis][1], "description": str(u.description),
             "fields": list(u.fields or decl.fields)}
            for u in decl.uses
        ],
        "recipients": [
            {"kind": kind, "kind_text": str(taxonomy.RECIPIENTS[kind]),
             "fields": list(names or decl.fields)}
            for kind, names in decl.recipients.items()
        ],
        "rows": [
            {"id": str(row.pk),
             "values": {name: _value(row, f, decl.fields[name].category)
                        for name, f in fields.items()}}
            for row in rows
        ],
    }


def _role(d: Disclosure) -> str:
    """The recipient's role: as the recipient register has it for the company named on the
    entry, else the usual one for its kind."""
    if d.registered is not None:
        return d.registered.role
    return taxonomy.USUAL_ROLE.get(d.recipient_kind, taxonomy.CONTROLLER)


def _disclosures(person: Person) -> list[dict]:
    q = person.q()
    rows = (Disclosure.objects.filter(q, secret=False).select_related("registered")
            .order_by("occurred_at", "pk"))
    return [
        {"when": d.occurred_at.isoformat(), "recipient": d.recipient,
         "recipient_kind": d.recipient_kind,
         "recipient_kind_text": str(taxonomy.RECIPIENTS.get(d.recipient_kind, "")),
         "recipient_role": _role(d), "recipient_role_text": str(taxonomy.ROLES[_role(d)]),
         "privacy_notice_url": d.registered.privacy_notice_url if d.registered else "",
         "categories": [{"category": c, "category_text": str(taxonomy.CATEGORIES.get(c, c))}
                        for c in d.categories],
         "purpose": str(taxonomy.PURPOSES.get(d.purpose, d.purpose)),
         "legal_basis": str(taxonomy.BASES[d.legal_basis][0]) if d.legal_basis in
         taxonomy.BASES else d.legal_basis,
         "reference": d.reference, "legal_ground": d.legal_ground}
        # Disclosures under legal secrecy stay out while the law forbids telling (P26).
        for d in rows
    ]


def collect(who, language: str | None = None) -> dict:
    """Everything the data map holds about ``who`` (an account, a Person or an e-mail)."""
    person = Person.of(who)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        records = [_record(decl, person) for decl in registry.own()]
        return {
            "schema": SCHEMA,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "language": language,
            "controller": dict(settings.TILLIT_CONTROLLER),
            "person": {"account": person.user.get_username() if person.user else None,
                       "email": person.email},
            "records": [r for r in records if r["rows"]],
            "disclosures": _disclosures(person),
            "rights": [
                _("Access (art. 15): you may ask for this copy again at any time, free of "
                  "charge."),
                _("Rectification (art. 16): you may have wrong information corrected and "
                  "incomplete information completed."),
                _("Erasure (art. 17): you may ask us to erase your data; records the law "
                  "makes us keep are kept locked to that use until their period ends."),
                _("Restriction (art. 18): while we check a correction or an objection, or "
                  "if you need data we would otherwise erase for a legal claim, you may ask "
                  "us to keep it but not use it."),
                _("Data portability (art. 20): you may take the data you gave us, in "
                  "data.json in this archive, to another service."),
                _("Objection (art. 21): you may object to processing we base on our "
                  "legitimate interest, and to marketing at any time, through the link in "
                  "every mailing or by writing to us; after an objection to marketing, we "
                  "stop."),
                _("Withdrawing consent (art. 7): where we process your data because you "
                  "agreed, you may withdraw your consent at any time, as easily as you "
                  "gave it; what was done before stays lawful."),
            ],
            "complaints": {"authority": "Integritetsskyddsmyndigheten (IMY)",
                           "url": "https://www.imy.se"},
        }


def build_archive(who, language: str | None = None) -> tuple[bytes, dict]:
    """The export as a ZIP (``data.json``, ``schema.json``, ``rapport.html``) and the data
    it holds."""
    data = collect(who, language)
    with translation.override(data["language"]):
        report = export_report.render(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # Compact: Python's encoder is several times slower when it indents, and the
        # person's readable copy is rapport.html.
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False))
        archive.writestr("schema.json", SCHEMA_FILE.read_text(encoding="utf-8"))
        archive.writestr("rapport.html", report)
    return buffer.getvalue(), data
