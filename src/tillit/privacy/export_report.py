"""``rapport.html``: the access export (``export.collect``) for people (P29).

The same data as ``data.json``, put in words in the export's language: each value as a
person reads it, not as it is stored. Amounts are kronor (``1 299 kr``), not öre; a coded
value (a status, a kind, a yes/no, a language) is the word it stands for; dates and times
are local and written out; a stored document (a receipt as issued) is shown rebuilt from
its text, its tables as tables.

How a value is shown follows from the model field it comes from, so a field added to the
data map later is shown the same way without a change here: a field with choices shows
the choice's label; an integer field named ``*_ore``, or ``*_amount`` as the payment
provider names its minor units, is an amount.

The page is one self-contained file: no script, nothing loaded from elsewhere (a Content
Security Policy in the page forbids it), every stored value escaped. Stored HTML is never
interpreted: only its text is kept. It prints as it reads.

A person with hundreds of orders has tens of thousands of values; each field's formatter
is chosen once per record, and the rows are built as strings in one pass.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tillit.core.money import format_rate, format_sek

from . import taxonomy
from .datamap import registry

NOTHING = "–"
_MONEY_NAME = re.compile(r"(_ore|_amount)$")
# Inside stored structured data, also the payment provider's own names: amounts in minor
# units (``unit_price``, ``total_amount``) and VAT rates in basis points (``tax_rate``).
_MONEY_KEY = re.compile(r"(_ore|amount|^unit_price)$")
_RATE_KEY = re.compile(r"(_bp|^tax_rate)$")
# The unit in a money field's label ("total incl. VAT (öre)"): the report shows kronor.
_ORE_IN_LABEL = re.compile(r"\s*\(öre\)")

# A stored HTML document is rebuilt from its text: tables as tables, headings as headings,
# everything else as lines of text. Only the text survives, escaped; no tag or attribute
# of the stored markup reaches the page, so nothing in it can act or load anything.
_INVISIBLE = re.compile(r"<(script|style|head|title|template|svg|math|iframe|object)\b.*?"
                        r"</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table\s*>", re.IGNORECASE | re.DOTALL)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)(?=<tr\b|</tr\s*>|$)", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<(t[dh])\b[^>]*>(.*?)(?=<t[dh]\b|</t[dh]\s*>|$)",
                   re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"<h[1-6]\b[^>]*>", re.IGNORECASE)
_LINE_END = re.compile(
    r"<br\s*/?>|</?(p|div|h[1-6]|li|ul|ol|section|article|header|footer|dl|dt|dd|"
    r"address|blockquote|pre)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>?")
_NUMBER_LIKE = re.compile(r"^[-−]?[\d\s\u00a0.,]+(\s?(kr|%))?$")
_HEADING_MARK = "\x1e"


def _esc(value) -> str:
    """Escaped text (the standard library's escape: Django's, lazy-aware, costs several
    times more per call, and a report makes tens of thousands of calls)."""
    return html.escape(str(value))


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _lines(fragment: str) -> str:
    # Tags, entities and escaping each go in one pass over the whole fragment (escaping
    # adds no line break), then it is cut in lines.
    marked = _LINE_END.sub("\n", _HEADING.sub("\n" + _HEADING_MARK, fragment))
    out = []
    for raw in _esc(html.unescape(_TAG.sub(" ", marked))).split("\n"):
        heading = raw.startswith(_HEADING_MARK)
        line = " ".join(raw.lstrip(_HEADING_MARK).split())
        if line:
            out.append(f"<p class=\"doc-h\">{line}</p>" if heading else f"<p>{line}</p>")
    return "".join(out)


def _table(body: str) -> str:
    rows = []
    for row in _ROW.findall(body):
        found = _CELL.findall(row)
        cells = []
        for tag, content in found:
            text = _text(content)
            tag = "th" if tag.lower() == "th" else "td"
            # Figures line up on the right in a table of several columns (the lines).
            number = (" class=\"num\"" if len(found) > 2 and text
                      and _NUMBER_LIKE.match(text) else "")
            cells.append(f"<{tag}{number}>{_esc(text)}</{tag}>")
        if cells:
            rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table class=\"doc-table\">" + "".join(rows) + "</table>" if rows else ""


def document_html(stored: str) -> str:
    """A stored HTML document (a receipt as issued) rebuilt for the report from its text:
    its tables as tables, its headings as headings, the rest as lines. Returns escaped,
    safe HTML."""
    text = " ".join(_INVISIBLE.sub(" ", _COMMENT.sub(" ", stored)).split())
    parts, pos = [], 0
    for match in _TABLE.finditer(text):
        parts.append(_lines(text[pos:match.start()]))
        parts.append(_table(match.group(1)))
        pos = match.end()
    parts.append(_lines(text[pos:]))
    return "".join(parts)


def looks_like_document(value) -> bool:
    return isinstance(value, str) and value.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html", "<article"))


# Values --------------------------------------------------------------------------------


_month_names: dict[str, list[str]] = {}


def _month(number: int) -> str:
    """The month's name in the active language (looked up once per language: a report
    writes thousands of dates)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in _month_names:
        _month_names[language] = [str(MONTHS[n]) for n in range(1, 13)]
    return _month_names[language][number - 1]


def _day_text(day: dt.date) -> str:
    return f"{day.day} {_month(day.month)} {day.year}"


def _when(value: str) -> str:
    """An ISO-8601 moment as local day and time: ``29 november 2026, 14:05``."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{_day_text(moment)}, {moment:%H:%M}"


def _day(value: str) -> str:
    try:
        return _day_text(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _language_name(value: str) -> str:
    names = dict(settings.LANGUAGES)
    code, _sep, region = str(value).replace("_", "-").partition("-")
    name = names.get(code.lower())
    if name is None:
        return str(value)
    return f"{name} ({region.upper()})" if region else str(name)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def key_label(key: str) -> str:
    """A key inside stored structured data as a word: as its app named it (``words`` in
    its ``privacy.py``), a record's title for a model's label, else the key itself."""
    label = registry.key_labels.get(key)
    if label is not None:
        return capfirst(str(label))
    decl = _declaration(key)
    return str(decl.title) if decl is not None else key


@functools.cache
def _declaration(label: str):
    return next((d for d in registry if d.label == label), None)


_TARGET = re.compile(r"^(?P<model>[a-z_]+\.[A-Za-z]+):(?P<pk>\d+)$")
_COUNT_TARGET = re.compile(r"^(?P<n>\d+) records$")


def _target(value) -> str:
    """An audit event's target (``privacy.LegalHold:12``, ``privacy desk``) in words."""
    text = str(value or "")
    if match := _TARGET.match(text):
        decl = _declaration(match["model"])
        if decl is not None:
            return _esc(f"{decl.title} #{match['pk']}")
    if match := _COUNT_TARGET.match(text):
        return _esc(_("%(n)s records") % {"n": match["n"]})
    words = {"privacy desk": _("the privacy desk"), "access export": _("access export"),
             "retention sweep": _("retention sweep")}
    if text in words:
        return _esc(words[text])
    if text.endswith(" (list)") and _declaration(text[:-7]) is not None:
        return _esc(_("%(record)s (a list)") % {"record": _declaration(text[:-7]).title})
    return _plain(value)


def _page(value) -> str:
    """Where staff saw the data: the privacy desk or the admin."""
    area = {"desk": _("the privacy desk"), "admin": _("the staff admin")}
    return _esc(area.get(str(value).split(":", 1)[0], str(value)))


def _field_names(model_label, names) -> str:
    """Field names of the model ``model_label`` (an audit event's "fields") as words."""
    decl = _declaration(str(model_label))
    if decl is None or not isinstance(names, list):
        return _plain(names)
    out = []
    for name in names:
        try:
            out.append(str(decl.model._meta.get_field(str(name)).verbose_name))
        except FieldDoesNotExist:
            out.append(str(name))
    return _esc(", ".join(out)) or NOTHING


def _keyed(key: str, value, siblings: dict | None = None) -> str:
    """A value inside stored structured data, shown by what its key says it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        if _MONEY_KEY.search(key):
            return format_money(value)
        if _RATE_KEY.search(key):
            return _esc(format_rate(value))
    if isinstance(value, str):
        word = registry.value_words.get(key, {}).get(value)
        if word is not None:
            return _esc(word)
        if key == "recipient_kind" and value in taxonomy.RECIPIENTS:
            return _esc(taxonomy.RECIPIENTS[value])
        if key in ("language", "locale"):
            return _esc(_language_name(value))
        if key == "model" and _declaration(value) is not None:
            return _esc(_declaration(value).title)
    if key == "fields" and siblings and "model" in siblings:
        return _field_names(siblings["model"], value)
    if key == "page" and isinstance(value, str):
        return _page(value)
    return _plain(value)


def _plain(value) -> str:
    """Any JSON value as escaped text, for values without a field to say what they are."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return _esc(_when(value))
    if isinstance(value, str) and _ISO_DAY.match(value):
        return _esc(_day(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict) and set(value) == {"id", "label"}:
        return _esc(value["label"])
    if isinstance(value, list):
        if value and all(isinstance(v, str) and v in taxonomy.CATEGORIES for v in value):
            return _esc(", ".join(str(taxonomy.CATEGORIES[v]) for v in value))
        if all(not isinstance(v, dict | list) for v in value):
            return _esc(", ".join(str(v) for v in value)) or NOTHING
        return "<ol class=\"nested\">" + "".join(f"<li>{_plain(v)}</li>" for v in value) \
            + "</ol>"
    if isinstance(value, dict):
        items = []
        for key, inner in value.items():
            items.append(f"<dt>{_esc(key_label(str(key)))}</dt>"
                         f"<dd>{_keyed(str(key), inner, value)}</dd>")
        return "<dl class=\"nested\">" + "".join(items) + "</dl>"
    return _esc(value)


def format_money(ore: int) -> str:
    return _esc(format_sek(ore))


def _formatter(field: models.Field | None, name: str, category: str) -> Callable:
    """How one declared field's values are shown: a function from the exported value to
    escaped HTML."""
    # A credential is exported as a sentence saying whether it is set; a relation as its
    # label.
    if field is None or field.is_relation or category in taxonomy.WITHHELD:
        return _plain
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return lambda v: NOTHING if v in (None, "") else _esc(labels.get(str(v), v))
    if isinstance(field, models.BooleanField):
        return _plain
    if isinstance(field, models.IntegerField) and _MONEY_NAME.search(name):
        return lambda v: format_money(v) if isinstance(v, int) else _plain(v)
    if isinstance(field, models.DateTimeField):
        return lambda v: _esc(_when(v)) if v else NOTHING
    if isinstance(field, models.DateField):
        return lambda v: _esc(_day(v)) if v else NOTHING
    if name in ("language", "locale"):
        return lambda v: _esc(_language_name(v)) if v else NOTHING
    if name == "target" and field.model._meta.label == "privacy.AuditEvent":
        return _target
    return _plain


def _label(field: models.Field | None, name: str) -> str:
    if field is None:
        return name
    return capfirst(_ORE_IN_LABEL.sub("", str(field.verbose_name)))


# The page ------------------------------------------------------------------------------


def _is_nested(value) -> bool:
    return isinstance(value, dict) and set(value) != {"id", "label"} or isinstance(
        value, list) and any(isinstance(v, dict | list) for v in value)


def _record(record: dict) -> dict:
    """``record`` with ``tables``: its rows, each as a table of field, value and kind of
    data, rendered here in one string (a template loop over a thousand rows costs more
    than the rest of the export). A stored document or a nested structure gets a
    full-width row of its own below the others."""
    decl = next((d for d in registry if d.label == record["model"]), None)
    meta = decl.model._meta if decl is not None else None
    columns = []
    for name, spec in record["fields"].items():
        try:
            field = meta.get_field(name) if meta is not None else None
        except FieldDoesNotExist:
            field = None
        columns.append((name, _esc(_label(field, name)),
                        _esc(f"{spec['category_text']} · {spec['source_text']}"),
                        _formatter(field, name, spec["category"])))
    below = _esc(_("shown below"))
    # Outside the f-string: xgettext does not look inside one, and the text would stay English.
    information, value = _esc(_("Information")), _esc(_("Value"))
    kind = _esc(_("Kind of data · source"))
    head = (f"<thead><tr><th>{information}</th><th>{value}</th><th>{kind}</th></tr></thead>")
    title, count = _esc(record["title"]), len(record["rows"])
    tables = []
    for number, row in enumerate(record["rows"], 1):
        cells, wide = [], []
        for name, label, about, show in columns:
            value = row["values"].get(name)
            if looks_like_document(value):
                wide.append((label, "doc", document_html(value)))
            elif _is_nested(value):
                wide.append((label, "data", show(value)))
            else:
                cells.append(f'<tr><th scope="row">{label}</th><td>{show(value)}</td>'
                             f'<td class="about">{about}</td></tr>')
                continue
            cells.append(f'<tr><th scope="row">{label}</th><td>{below}</td>'
                         f'<td class="about">{about}</td></tr>')
        caption = f"<h3>{title} · {number}/{count}</h3>" if count > 1 else ""
        tables.append(
            f'{caption}<table class="row-table">{head}<tbody>{"".join(cells)}'
            + "".join(f'<tr class="wide"><td colspan="3"><p class="wide-title">{label}</p>'
                      f'<div class="{kind}">{content}</div></td></tr>'
                      for label, kind, content in wide)
            + "</tbody></table>")
    return {**record, "tables": mark_safe("\n".join(tables))}  # noqa: S308  (all escaped)


def _disclosures(export: dict) -> list[dict]:
    return [{**d, "when_text": _when(d["when"]),
             "categories_text": ", ".join(c["category_text"] for c in d["categories"])}
            for d in export["disclosures"]]


def _account_first(record: dict) -> bool:
    decl = next((d for d in registry if d.label == record["model"]), None)
    return not (decl is not None and decl.subject.person)


def render(export: dict) -> str:
    """``rapport.html`` for ``export`` (the data ``export.collect`` made), in the export's
    language (the caller activates it). The account comes first; the rest as in the data."""
    return render_to_string("privacy/export_report.html", {
        "export": export,
        "generated": _when(export["generated_at"]),
        "records": [_record(r) for r in sorted(export["records"], key=_account_first)],
        "disclosures": _disclosures(export),
    })
