"""How the emulated provider shows its orders: the Checkout v3 order (with its
``html_snippet``) and the Order Management v1 order, with their captures and refunds, as
Klarna's JSON has them."""

from __future__ import annotations

import datetime as dt
import json

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..payload import ORDER_ID_PLACEHOLDER
from . import clock
from .forms import PAYMENT_METHODS
from .models import EmulatedCapture, EmulatedOrder, EmulatedRefund

AUTHORIZATION_LIFETIME = dt.timedelta(days=28)
Status = EmulatedOrder.Status
Placed = EmulatedOrder.PlacedStatus


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def merchant_url(order: EmulatedOrder, key: str) -> str:
    url = order.merchant_urls.get(key, "")
    return (url.replace(ORDER_ID_PLACEHOLDER, order.order_id)
            .replace("%7Bcheckout.order.id%7D", order.order_id))


def _address(order: EmulatedOrder) -> dict | None:
    if not order.email:
        return None
    address = {"given_name": order.given_name, "family_name": order.family_name,
               "email": order.email, "street_address": order.street_address,
               "postal_code": order.postal_code, "city": order.city, "phone": order.phone,
               "country": order.country}
    if order.customer_type == "organization":
        address["organization_name"] = order.organization_name
    return address


def _customer(order: EmulatedOrder) -> dict:
    """Klarna Checkout's ``customer``: a person, or (B2B) an organization with its
    registration id. The VAT number is not a documented field of Klarna Checkout v3's
    customer object; the emulator sends it as ``vat_id`` (the name Klarna's other APIs
    use), and the shop takes it only if it comes."""
    if order.customer_type != "organization":
        return {"type": "person"}
    customer = {"type": "organization",
                "organization_registration_id": order.organization_registration_id}
    if order.vat_id:
        customer["vat_id"] = order.vat_id
    return customer


BOOTSTRAP_SCRIPT = "klarna_emulator/checkout.bootstrap.js"
CONTAINER_ID = "klarna-checkout-container"


def snippet(order: EmulatedOrder) -> str:
    """The ``html_snippet``, built as Klarna Checkout's is: a container, an inline script
    that sets the checkout's configuration and loads the provider's bootstrap script from
    the provider's host (:data:`BOOTSTRAP_SCRIPT`), which then frames the buyer's page in
    the container, and a ``<noscript>`` note. A merchant page with a Content-Security-Policy
    must therefore give the inline script its nonce and allow the provider's host for
    scripts and frames, as it must for the real provider."""
    host = order.merchant_host
    with translation.override(order.locale.split("-")[0]):
        config = {
            "ORDER_URL": host + reverse("klarna_emulator:buyer", args=[order.order_id]),
            "BOOTSTRAP_SRC": host + static(BOOTSTRAP_SCRIPT),
            "LOCALE": order.locale, "ORDER_STATUS": order.status,
            "MERCHANT_TAC_URI": merchant_url(order, "terms"),
            "TITLE": str(_("Checkout")),
        }
        no_script = _("Turn on JavaScript in your browser to pay.")
    # As json_script does: nothing in the values can end the script element.
    config_js = json.dumps(config).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return format_html(
        '<div id="{}">'
        '<script type="text/javascript">\n/* <![CDATA[ */\n'
        "(function(w,k,i,d,n,c,l){{"
        "w[k]=w[k]||function(){{(w[k].q=w[k].q||[]).push(arguments)}};"
        "l=w[k].config={};l.container=w.document.getElementById(i);"
        "n=d.createElement('script');c=d.getElementById(i);n.async=!0;"
        "n.src=l.BOOTSTRAP_SRC;c.appendChild(n);"
        "}})(this,'_klarnaCheckout','{}',document);\n/* ]]> */\n</script>"
        "<noscript>{}</noscript></div>",
        CONTAINER_ID, mark_safe(config_js), CONTAINER_ID, no_script)  # noqa: S308


def checkout_json(order: EmulatedOrder) -> dict:
    data = {
        "order_id": order.order_id, "status": order.status,
        "purchase_country": order.purchase_country,
        "purchase_currency": order.purchase_currency, "locale": order.locale,
        "order_amount": order.order_amount, "order_tax_amount": order.order_tax_amount,
        "order_lines": order.order_lines, "merchant_urls": order.merchant_urls,
        "started_at": iso(order.created_at), "last_modified_at": iso(order.updated_at),
        "html_snippet": snippet(order),
    }
    for key in ("merchant_reference1", "merchant_reference2"):
        if getattr(order, key):
            data[key] = getattr(order, key)
    if order.options:
        data["options"] = order.options
    if order.merchant_requested:
        data["merchant_requested"] = order.merchant_requested
    if order.status == Status.COMPLETE:
        data.update(completed_at=iso(order.completed_at), billing_address=_address(order),
                    shipping_address=_address(order), customer=_customer(order),
                    **_payment_method(order))
    else:
        data["expires_at"] = iso(order.expires_at)
    return data


def _payment_method(order: EmulatedOrder) -> dict:
    code, label = PAYMENT_METHODS.get(order.payment_method, PAYMENT_METHODS["invoice"])
    with translation.override(order.locale.split("-")[0]):
        return {"initial_payment_method": {"type": code, "description": str(label)}}


def _capture_json(c: EmulatedCapture) -> dict:
    return {"capture_id": c.capture_id, "captured_amount": c.captured_amount,
            "captured_at": iso(c.captured_at), "description": c.description,
            "order_lines": c.order_lines, "shipping_info": c.shipping_info}


def _refund_json(r: EmulatedRefund) -> dict:
    return {"refund_id": r.refund_id, "refunded_amount": r.refunded_amount,
            "refunded_at": iso(r.refunded_at), "description": r.description,
            "order_lines": r.order_lines}


def placed_status(order: EmulatedOrder) -> str:
    """The order management status: an authorisation nothing was captured from runs out
    after :data:`AUTHORIZATION_LIFETIME` and the order is then EXPIRED, as at Klarna."""
    if (order.placed_status == Placed.AUTHORIZED and order.completed_at is not None
            and clock.now() >= order.completed_at + AUTHORIZATION_LIFETIME):
        return "EXPIRED"
    return order.placed_status


def placed_json(order: EmulatedOrder) -> dict:
    return {
        "order_id": order.order_id, "status": placed_status(order),
        "fraud_status": order.fraud_status, "order_amount": order.order_amount,
        "original_order_amount": order.order_amount,
        "captured_amount": order.captured_amount, "refunded_amount": order.refunded_amount,
        "remaining_authorized_amount": order.remaining_authorized_amount,
        "purchase_currency": order.purchase_currency, "locale": order.locale,
        "order_lines": order.order_lines, "merchant_reference1": order.merchant_reference1,
        "merchant_reference2": order.merchant_reference2,
        "billing_address": _address(order), "shipping_address": _address(order),
        "customer": _customer(order), "created_at": iso(order.completed_at),
        "expires_at": iso(order.completed_at + AUTHORIZATION_LIFETIME),
        "klarna_reference": order.order_id.replace("-", "")[:8].upper(),
        "captures": [_capture_json(c) for c in order.captures.all()],
        "refunds": [_refund_json(r) for r in order.refunds.all()],
        **_payment_method(order),
    }
