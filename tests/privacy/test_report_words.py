"""The access report speaks the person's language (P29.b, issue 11 §8): every key and code
inside stored structured data (a receipt's data, an audit event's details, a waiting
e-mail's headers) is shown as a word, and no raw code, field name or model label is left
on the page of a person with a row in every declared model."""

import html
import io
import re
import zipfile

import pytest

from tillit.privacy import export
from tillit.privacy.datamap import registry

pytestmark = pytest.mark.django_db

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
MODEL_LABEL = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+\b")
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _nested_keys(value, found: set) -> set:
    if isinstance(value, dict):
        for key, inner in value.items():
            if set(value) != {"id", "label"}:
                found.add(key)
            _nested_keys(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _nested_keys(inner, found)
    return found


def _visible_text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.promise("P29.b")
def test_the_report_of_a_whole_life_shows_no_raw_code(lives):
    user, _mine, _theirs = lives
    blob, data = export.build_archive(user, "sv")
    page = zipfile.ZipFile(io.BytesIO(blob)).read("rapport.html").decode()
    keys = set()
    for record in data["records"]:
        for row in record["rows"]:
            for value in row["values"].values():
                _nested_keys(value, keys)
    labels = {d.label for d in registry}
    unnamed = sorted(k for k in keys if k not in registry.key_labels and k not in labels)
    assert not unnamed, f"keys in stored data with no word for the report: {unnamed}"

    text = _visible_text(page)
    assert not SNAKE.findall(text), sorted(set(SNAKE.findall(text)))
    assert not MODEL_LABEL.findall(text), sorted(set(MODEL_LABEL.findall(text)))
    assert not ISO_MOMENT.findall(text)
    for code in ("self_service", "credit_note", "checkout_complete", "ACCEPTED"):
        assert code not in text, code
    # The words stand where the codes stood.
    for word in ("Styckpris inkl. moms", "Kvitto", "Kreditnota", "självservice, inloggad",
                 "Hur begäran kom"):
        assert word.lower() in text.lower(), word
