"""Klarna's checks on an order's body, as the emulator enforces them.

Each function returns a list of messages (empty: valid), in the spirit of Klarna's
``error_messages`` ("Bad value: order_lines[0].total_tax_amount").
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from tillit.core.money import vat_part

from ..payload import MERCHANT_URL_KEYS

LOCALES = {"sv-SE", "en-SE"}
LINE_TYPES = {"physical", "digital", "discount", "shipping_fee", "sales_tax", "gift_card",
              "store_credit", "surcharge"}
MAX_LINES = 1000
MAX_URL = 2000
MAX_AMOUNT = 10**12


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_AMOUNT


def _text(value, limit: int, *, required: bool = True) -> bool:
    if value is None or value == "":
        return not required
    return isinstance(value, str) and len(value) <= limit


def _url(value) -> bool:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def order_line_errors(lines, *, where: str = "order_lines") -> list[str]:
    if not isinstance(lines, list) or not lines:
        return [f"Missing or empty: {where}"]
    if len(lines) > MAX_LINES:
        return [f"Too many: {where}"]
    errors: list[str] = []
    for i, line in enumerate(lines):
        at = f"{where}[{i}]"
        if not isinstance(line, Mapping):
            errors.append(f"Bad value: {at}")
            continue
        if not _text(line.get("name"), 255):
            errors.append(f"Bad value: {at}.name")
        if not _text(line.get("reference"), 64, required=False):
            errors.append(f"Bad value: {at}.reference")
        kind = line.get("type", "physical")
        if not isinstance(kind, str) or kind not in LINE_TYPES:
            errors.append(f"Bad value: {at}.type")
        numbers = {}
        for key, required in (("quantity", True), ("unit_price", True), ("tax_rate", True),
                              ("total_amount", True), ("total_tax_amount", True),
                              ("total_discount_amount", False)):
            value = line.get(key, None if required else 0)
            if not _int(value):
                errors.append(f"{'Missing' if value is None else 'Bad value'}: {at}.{key}")
            else:
                numbers[key] = value
        if len(numbers) < 6:
            continue
        if numbers["quantity"] < 1:
            errors.append(f"Bad value: {at}.quantity")
        if not 0 <= numbers["tax_rate"] <= 10000:
            errors.append(f"Bad value: {at}.tax_rate")
            continue
        if numbers["total_discount_amount"] < 0:
            errors.append(f"Bad value: {at}.total_discount_amount")
        expected_total = (numbers["unit_price"] * numbers["quantity"]
                          - numbers["total_discount_amount"])
        if numbers["total_amount"] != expected_total:
            errors.append(f"Bad value: {at}.total_amount (expected {expected_total})")
        # Klarna accepts the line's tax within one minor unit of its formula.
        expected_tax = vat_part(numbers["total_amount"], numbers["tax_rate"])
        if abs(numbers["total_tax_amount"] - expected_tax) > 1:
            errors.append(f"Bad value: {at}.total_tax_amount (expected {expected_tax})")
    return errors


def order_errors(body, *, partial: bool = False) -> list[str]:
    """Errors in a create (``partial=False``) or update body. An update may leave out the
    merchant URLs (the order keeps its own)."""
    if not isinstance(body, Mapping):
        return ["Bad value: the body must be a JSON object"]
    errors: list[str] = []
    if not isinstance(body.get("purchase_country"), str) or \
            body["purchase_country"].upper() != "SE":
        errors.append("Bad value: purchase_country (only SE)")
    if not isinstance(body.get("purchase_currency"), str) or \
            body["purchase_currency"].upper() != "SEK":
        errors.append("Bad value: purchase_currency (only SEK)")
    if not isinstance(body.get("locale"), str) or body["locale"] not in LOCALES:
        errors.append("Bad value: locale")
    for key in ("order_amount", "order_tax_amount"):
        if not _int(body.get(key)):
            errors.append(f"{'Missing' if body.get(key) is None else 'Bad value'}: {key}")
    line_errors = order_line_errors(body.get("order_lines"))
    errors += line_errors
    lines = body.get("order_lines")
    if not line_errors and _int(body.get("order_amount")) and _int(body.get("order_tax_amount")):
        if body["order_amount"] != sum(line["total_amount"] for line in lines):
            errors.append("Bad value: order_amount (not the sum of the lines' total_amount)")
        if body["order_tax_amount"] != sum(line["total_tax_amount"] for line in lines):
            errors.append("Bad value: order_tax_amount "
                          "(not the sum of the lines' total_tax_amount)")
    urls = body.get("merchant_urls")
    if urls is not None or not partial:
        errors += merchant_url_errors(urls)
    for key in ("merchant_reference1", "merchant_reference2"):
        if not _text(body.get(key), 255, required=False):
            errors.append(f"Bad value: {key}")
    errors += option_errors(body.get("options"))
    return errors


MAX_CHECKBOXES = 5
MAX_CHECKBOX_TEXT = 1000


def option_errors(options) -> list[str]:
    """``options.additional_checkboxes``: each with a unique ``id``, a ``text``, and
    booleans ``checked`` and ``required``; at most :data:`MAX_CHECKBOXES`."""
    if options is None:
        return []
    if not isinstance(options, Mapping):
        return ["Bad value: options"]
    boxes = options.get("additional_checkboxes", [])
    if not isinstance(boxes, list) or len(boxes) > MAX_CHECKBOXES:
        return ["Bad value: options.additional_checkboxes"]
    errors, ids = [], set()
    for n, box in enumerate(boxes):
        where = f"options.additional_checkboxes[{n}]"
        if not isinstance(box, Mapping):
            errors.append(f"Bad value: {where}")
            continue
        if not _text(box.get("id"), 255) or box["id"] in ids:
            errors.append(f"Bad value: {where}.id")
        else:
            ids.add(box["id"])
        if not _text(box.get("text"), MAX_CHECKBOX_TEXT):
            errors.append(f"Bad value: {where}.text")
        for flag in ("checked", "required"):
            if not isinstance(box.get(flag), bool):
                errors.append(f"Bad value: {where}.{flag}")
    return errors


def merchant_url_errors(urls) -> list[str]:
    if not isinstance(urls, Mapping):
        return ["Missing: merchant_urls"]
    errors = [f"{'Missing' if not urls.get(key) else 'Bad value'}: merchant_urls.{key}"
              for key in MERCHANT_URL_KEYS if not _url(urls.get(key))]
    if not errors and urls["push"] in (urls["terms"], urls["checkout"], urls["confirmation"]):
        errors.append("Bad value: merchant_urls.push (must differ from the other URLs)")
    return errors


def amount_errors(body, key: str, *, limit: int) -> list[str]:
    """A capture's or refund's amount: a whole number of öre, > 0 and ≤ ``limit``."""
    if not isinstance(body, Mapping):
        return ["Bad value: the body must be a JSON object"]
    amount = body.get(key)
    if not _int(amount) or amount <= 0:
        return [f"{'Missing' if amount is None else 'Bad value'}: {key}"]
    errors = []
    if amount > limit:
        errors.append(f"Bad value: {key} (more than the {limit} remaining)")
    if "order_lines" in body and body["order_lines"] not in (None, []):
        errors += order_line_errors(body["order_lines"])
    if not _text(body.get("description"), 255, required=False):
        errors.append("Bad value: description")
    return errors
