"""The access export's archive (P29): ``data.json`` follows the JSON Schema shipped in the
package and in the ZIP, and ``rapport.html`` is a readable, self-contained page in the
person's language: amounts in kronor, codes as words, a receipt as a document, every right
named.

jsonschema is not installed; :func:`check` below is a small validator for exactly the
keywords the schema uses, and a test makes sure the schema uses no other.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillit.core.money import format_sek
from tillit.orders.models import Order, ReturnRequest
from tillit.privacy import export
from tillit.privacy.export_report import document_html

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(export.SCHEMA_FILE.read_text(encoding="utf-8"))
HYPOTHESIS = settings(max_examples=60, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


# A validator for the keywords the schema uses ------------------------------------------

KEYWORDS = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties",
            "required", "additionalProperties", "items", "minItems", "const", "enum",
            "pattern", "format"}
TYPES = {"object": dict, "array": list, "string": str, "null": type(None),
         "boolean": bool, "integer": int, "number": (int, float)}


def _ok_type(value, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def check(value, schema: dict = SCHEMA, path: str = "$") -> list[str]:
    """What is wrong with ``value`` against ``schema`` (empty: nothing)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return check(value, SCHEMA["$defs"][name], path)
    errors = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_ok_type(value, n) for n in names):
            return [*errors, f"{path}: {type(value).__name__} is not {names}"]
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time":
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                errors.append(f"{path}: {value!r} is not a date-time")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for n, item in enumerate(value):
                errors += check(item, schema["items"], f"{path}[{n}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{path}: {key!r} is missing" for key in schema.get("required", ())
                   if key not in value]
        for key, inner in value.items():
            if key in properties:
                errors += check(inner, properties[key], f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: {key!r} is not allowed")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += check(inner, schema["additionalProperties"], f"{path}.{key}")
    return errors


def _keywords(schema) -> set[str]:
    """Every keyword used anywhere in ``schema`` (property names are not keywords)."""
    found = set()
    if isinstance(schema, dict):
        for key, inner in schema.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in inner.values():
                    found |= _keywords(sub)
            elif isinstance(inner, dict):
                found |= _keywords(inner)
    return found


def test_the_validator_knows_every_keyword_the_schema_uses():
    assert _keywords(SCHEMA) <= KEYWORDS, _keywords(SCHEMA) - KEYWORDS


def _archive(who, language="sv") -> tuple[dict, zipfile.ZipFile]:
    blob, _data = export.build_archive(who, language)
    archive = zipfile.ZipFile(io.BytesIO(blob))
    return json.loads(archive.read("data.json")), archive


@pytest.mark.promise("P29.a")
def test_every_data_json_follows_the_schema_the_archive_carries(lives):
    user, _mine, _theirs = lives
    for who in (user, "olle@example.com", "OLLE@example.com", "nobody@example.com"):
        for language in ("sv", "en"):
            data, archive = _archive(who, language)
            assert sorted(archive.namelist()) == ["data.json", "rapport.html", "schema.json"]
            assert json.loads(archive.read("schema.json")) == SCHEMA
            assert check(data) == [], (who, language)
            for record in data["records"]:
                # What a schema cannot say: every row carries exactly the record's fields.
                for row in record["rows"]:
                    assert set(row["values"]) == set(record["fields"]), record["model"]
    assert SCHEMA["properties"]["schema"]["const"] == export.SCHEMA


def test_the_validator_rejects_what_the_schema_forbids(holder):
    data, _archive_ = _archive(holder)
    assert check(data) == []
    broken = [
        {**data, "schema": "tillit-access-export/2"},
        {k: v for k, v in data.items() if k != "rights"},
        {**data, "surprise": 1},
        {**data, "language": "de"},
        {**data, "generated_at": "yesterday"},
        {**data, "person": {"account": 7, "email": ""}},
        {**data, "records": [{**data["records"][0], "rows": []}]},
        {**data, "records": [{**data["records"][0], "model": "no model"}]},
        {**data, "disclosures": [{**data["disclosures"][0], "categories": ["user.name"]}]},
    ]
    for document in broken:
        assert check(document), document.keys()


# The report ----------------------------------------------------------------------------


def _report(who, language="sv") -> str:
    return _archive(who, language)[1].read("rapport.html").decode()


def test_the_report_shows_amounts_in_kronor_and_codes_as_words(lives):
    user, _mine, _theirs = lives
    report = _report(user)
    with translation.override("sv"):
        for order in Order.objects.filter(user=user):
            assert format_sek(order.total_ore) in report
            assert f">{order.total_ore}<" not in report
            assert f">{order.get_status_display()}<" in report
            assert f">{order.status}<" not in report
        returned = ReturnRequest.objects.get(order__user=user)
        assert f">{returned.get_status_display()}<" in report
    assert ">Svenska<" in report  # the order's language, not "sv"
    assert ">True<" not in report and ">False<" not in report


def test_the_receipt_reads_as_a_document_not_as_its_source(lives):
    user, _mine, _theirs = lives
    report = _report(user)
    assert "&lt;" not in report  # no stored markup shown as text
    receipt = Order.objects.filter(user=user).first().receipt
    assert f"Kvitto (faktura) {receipt.data['display_number']}" in report
    assert '<table class="doc-table">' in report


def test_the_report_is_self_contained_and_loads_nothing(lives):
    user, _mine, _theirs = lives
    report = _report(user)
    assert "Content-Security-Policy" in report and "default-src 'none'" in report
    for reference in re.findall(r"""\b(?:src|href|action)\s*=\s*["']?([^"'\s>]*)""", report):
        assert reference.startswith("#"), reference
    for loader in ("<script", "<link", "<iframe", "<img", "@import", "url("):
        assert loader not in report.lower()


def test_the_report_names_every_right_and_the_complaint_in_swedish(lives):
    user, _mine, _theirs = lives
    report = _report(user)
    assert '<html lang="sv">' in report and "Dina rättigheter" in report
    for right in ("Tillgång (art. 15)", "Rättelse (art. 16)", "Radering (art. 17)",
                  "Begränsning (art. 18)", "Dataportabilitet (art. 20)",
                  "Invändning (art. 21)", "Återkalla samtycke (art. 7)",
                  "Integritetsskyddsmyndigheten (IMY) (art. 77)"):
        assert right in report, right


def test_the_report_is_in_english_when_asked_for_in_english(holder):
    report = _report(holder, "en")
    assert '<html lang="en">' in report and "Your rights" in report
    assert "Restriction (art. 18)" in report and "Dina rättigheter" not in report


def test_hostile_stored_values_stay_text_in_the_report(holder):
    user = holder
    user.name = '<script>alert("x")</script><img src=https://evil.example/x>'
    user.save(update_fields=["name"])
    report = _report(user)
    assert "<script>alert" not in report and "<img" not in report
    assert "&lt;script&gt;alert" in report


HOSTILE = ('<script>alert(1)</script><style>body{background:url(https://evil.example/a)}'
           '</style><img src="https://evil.example/x.png" onerror="alert(1)">'
           '<a href="https://evil.example/">klick</a><iframe src="https://evil.example">'
           '</iframe><table><tr><td onclick="alert(1)">cell</td></tr></table>')


def test_a_hostile_stored_document_keeps_only_its_text():
    shown = document_html(HOSTILE)
    assert "klick" in shown and "cell" in shown
    for bad in ("script", "alert", "src=", "href=", "onerror", "onclick", "url(", "iframe",
                "evil.example"):
        assert bad not in shown, bad


OUR_TAGS = re.compile(r'</?(p|table|tr|td|th)( class="[a-z-]+")?>')


@HYPOTHESIS
@given(fragment=st.lists(st.one_of(
    st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th x=1>",
                     "<h1>", "</h1>", "<br>", "<p>", "<script>", "</script>", "<!--", "-->",
                     "<img src=x onerror=y>", "<a href='//e'>", "<", ">", "&lt;", "&amp;",
                     '"', "'"]),
    st.text(max_size=20)), max_size=30).map("".join))
def test_any_stored_document_becomes_text_in_our_own_markup(fragment):
    shown = document_html(fragment)
    assert OUR_TAGS.sub("", shown).count("<") == 0
