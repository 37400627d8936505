"""The emulated provider: Klarna Checkout v3 and Order Management v1 endpoints, and the
buyer's checkout page that the ``html_snippet`` frames.

The API answers as Klarna's does (JSON bodies, ``error_code``/``error_messages``/
``correlation_id`` on errors, 201 with ``Capture-Id``/``Refund-Id`` and ``Location`` for
captures and refunds, 204 for acknowledge and cancel), behind HTTP Basic auth with the
demo merchant's credentials (``TILLIT_KLARNA_EMULATOR_USERNAME``/``_PASSWORD``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import json
import time
import uuid
from functools import wraps

from csp.decorators import csp_exempt
from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..client import IDEMPOTENCY_HEADER, is_valid_order_id, provider_name
from . import clock, faults, push, validation
from .forms import BuyerForm
from .models import EmulatedCapture, EmulatedOrder, EmulatedRefund
from .representation import checkout_json, merchant_url, placed_json, placed_status

INCOMPLETE_LIFETIME = dt.timedelta(hours=48)
PLACED_LIFETIME = dt.timedelta(days=30)
Status = EmulatedOrder.Status
Placed = EmulatedOrder.PlacedStatus
CAPTURABLE = (Placed.AUTHORIZED, Placed.PART_CAPTURED)


# Plumbing -------------------------------------------------------------------------------


def error(status: int, code: str, messages=(), correlation_id: str = "", **headers):
    response = JsonResponse({"error_code": code, "error_messages": list(messages),
                             "correlation_id": correlation_id}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _authorized(request) -> bool:
    expected_user = getattr(settings, "TILLIT_KLARNA_EMULATOR_USERNAME", "")
    expected_password = getattr(settings, "TILLIT_KLARNA_EMULATOR_PASSWORD", "")
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic" or not expected_password:
        return False
    try:
        user, _sep, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return (hmac.compare_digest(user.encode(), expected_user.encode())
            & hmac.compare_digest(password.encode(), expected_password.encode()))


def api(view):
    """Basic auth, failures on demand (see :mod:`.faults`) and a correlation id for every
    API view; the view receives ``correlation_id``."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        correlation_id = str(uuid.uuid4())
        fault = faults.fault_for(request)
        if fault and fault.kind in ("delay", "stall"):
            time.sleep(fault.seconds)
            if fault.kind == "stall":
                return error(504, "GATEWAY_TIMEOUT", ["Emulated stall"], correlation_id)
        if not _authorized(request):
            return error(401, "UNAUTHORIZED", ["Bad or missing credentials"], correlation_id,
                         WWW_Authenticate='Basic realm="Klarna emulator"')
        if fault and fault.status:
            return error(fault.status, "EMULATED_FAULT", ["Failure on demand"], correlation_id)
        if fault and fault.kind == "malformed":
            return HttpResponse(b"<html>Service temporarily unavailable", status=200,
                                content_type="application/json")
        response = view(request, *args, correlation_id=correlation_id, **kwargs)
        if fault and fault.kind == "lost":
            return error(500, "EMULATED_FAULT", ["The answer was lost"], correlation_id)
        response["Klarna-Correlation-Id"] = correlation_id
        return response

    return wrapper


def _body(request):
    """The request's JSON body, or ``None`` if it is not JSON."""
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def _find(order_id: str, *, placed: bool = False) -> EmulatedOrder | None:
    """The order, or None when it is unknown, has expired unfinished, or (``placed``) has
    not been placed yet."""
    if not is_valid_order_id(order_id):
        return None
    order = EmulatedOrder.objects.filter(order_id=order_id).first()
    if order is None:
        return None
    if order.status == Status.INCOMPLETE and clock.now() >= order.expires_at:
        return None
    if placed and order.status != Status.COMPLETE:
        return None
    return order


def _not_found(order_id: str, correlation_id: str):
    return error(404, "NOT_FOUND", [f"Order {order_id[:100]} not found"], correlation_id)


def _order_fields(body: dict) -> dict:
    fields = {
        "purchase_country": body["purchase_country"].upper(),
        "purchase_currency": body["purchase_currency"].upper(),
        "locale": body["locale"], "order_amount": body["order_amount"],
        "order_tax_amount": body["order_tax_amount"], "order_lines": body["order_lines"],
    }
    if body.get("merchant_urls") is not None:
        fields["merchant_urls"] = dict(body["merchant_urls"])
    for key in ("merchant_reference1", "merchant_reference2"):
        if key in body:
            fields[key] = body[key] or ""
    if body.get("options") is not None:
        fields["options"] = {"additional_checkboxes": [
            {k: box[k] for k in ("id", "text", "checked", "required")}
            for box in body["options"].get("additional_checkboxes", [])]}
    return fields


# Checkout API ---------------------------------------------------------------------------


@api
@require_http_methods(["POST"])
def orders(request, *, correlation_id):
    """``POST /checkout/v3/orders``: open a checkout order."""
    body = _body(request)
    errors = validation.order_errors(body)
    if errors:
        return error(400, "BAD_VALUE", errors, correlation_id)
    now = clock.now()
    order = EmulatedOrder.objects.create(
        **_order_fields(body), merchant_host=request.build_absolute_uri("/").rstrip("/"),
        created_at=now, updated_at=now, expires_at=now + INCOMPLETE_LIFETIME,
        forget_at=now + INCOMPLETE_LIFETIME)
    return JsonResponse(checkout_json(order), status=201)


@api
@require_http_methods(["GET", "POST"])
def order(request, order_id, *, correlation_id):
    """``GET /checkout/v3/orders/{id}`` reads; ``POST`` updates an unfinished order."""
    found = _find(order_id)
    if found is None:
        return _not_found(order_id, correlation_id)
    if request.method == "GET":
        return JsonResponse(checkout_json(found))
    if found.status != Status.INCOMPLETE:
        return error(400, "READ_ONLY_ORDER", ["The order is completed and cannot be changed"],
                     correlation_id)
    body = _body(request)
    errors = validation.order_errors(body, partial=True)
    if errors:
        return error(400, "BAD_VALUE", errors, correlation_id)
    fields = _order_fields(body)
    updated = EmulatedOrder.objects.filter(pk=found.pk, status=Status.INCOMPLETE).update(
        **fields, updated_at=clock.now())
    if not updated:
        return error(400, "READ_ONLY_ORDER", ["The order is completed and cannot be changed"],
                     correlation_id)
    found.refresh_from_db()
    return JsonResponse(checkout_json(found))


# Order management API -------------------------------------------------------------------


@api
@require_http_methods(["GET"])
def placed_order(request, order_id, *, correlation_id):
    """``GET /ordermanagement/v1/orders/{id}``."""
    found = _find(order_id, placed=True)
    if found is None:
        return _not_found(order_id, correlation_id)
    return JsonResponse(placed_json(found))


@api
@require_http_methods(["POST"])
def acknowledge(request, order_id, *, correlation_id):
    found = _find(order_id, placed=True)
    if found is None:
        return _not_found(order_id, correlation_id)
    now = clock.now()
    EmulatedOrder.objects.filter(pk=found.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, updated_at=now, forget_at=now + PLACED_LIFETIME)
    return HttpResponse(status=204)


@api
@require_http_methods(["POST"])
def cancel(request, order_id, *, correlation_id):
    found = _find(order_id, placed=True)
    if found is None:
        return _not_found(order_id, correlation_id)
    now = clock.now()
    cancelled = EmulatedOrder.objects.filter(
        pk=found.pk, placed_status=Placed.AUTHORIZED, captured_amount=0,
    ).update(placed_status=Placed.CANCELLED, updated_at=now, forget_at=now + PLACED_LIFETIME)
    if not cancelled and found.placed_status != Placed.CANCELLED:
        return error(403, "CANCEL_NOT_ALLOWED", ["Captured orders cannot be cancelled"],
                     correlation_id)
    return HttpResponse(status=204)


def _created(kind: str, order: EmulatedOrder, item_id: str) -> HttpResponse:
    response = HttpResponse(status=201)
    path = f"/ordermanagement/v1/orders/{order.order_id}/{kind}s/{item_id}"
    response["Location"] = order.merchant_host + reverse("klarna_emulator:root") + path[1:]
    response[f"{kind.capitalize()}-Id"] = item_id
    return response


class _Refused(Exception):
    pass


@api
@require_http_methods(["POST"])
def captures(request, order_id, *, correlation_id):
    """``POST …/captures``: at most the remaining authorised amount; the same
    ``Klarna-Idempotency-Key`` gives the same capture, never a second one."""
    return _money_movement(request, order_id, correlation_id, kind="capture")


@api
@require_http_methods(["POST"])
def refunds(request, order_id, *, correlation_id):
    """``POST …/refunds``: at most what was captured and not yet refunded."""
    return _money_movement(request, order_id, correlation_id, kind="refund")


def _money_movement(request, order_id: str, correlation_id: str, *, kind: str):
    found = _find(order_id, placed=True)
    if found is None:
        return _not_found(order_id, correlation_id)
    model, related = ((EmulatedCapture, found.captures) if kind == "capture"
                      else (EmulatedRefund, found.refunds))
    key = request.headers.get(IDEMPOTENCY_HEADER) or None
    if key is not None and len(key) > 100:
        return error(400, "BAD_VALUE", [f"Bad value: {IDEMPOTENCY_HEADER}"], correlation_id)
    if key is not None:
        earlier = related.filter(idempotency_key=key).first()
        if earlier is not None:
            return _created(kind, found, getattr(earlier, f"{kind}_id"))
    body = _body(request)
    amount_key = "captured_amount" if kind == "capture" else "refunded_amount"
    if kind == "capture":
        if placed_status(found) not in CAPTURABLE:
            return error(403, "CAPTURE_NOT_ALLOWED",
                         [f"The order is {placed_status(found)}"], correlation_id)
        limit = found.remaining_authorized_amount
    else:
        limit = found.refundable_amount
    errors = validation.amount_errors(body, amount_key, limit=limit)
    if errors:
        if any("more than" in e for e in errors):
            return error(403, f"{kind.upper()}_NOT_ALLOWED", errors, correlation_id)
        return error(400, "BAD_VALUE", errors, correlation_id)
    amount = body[amount_key]
    now = clock.now()
    try:
        with transaction.atomic(using=router.db_for_write(EmulatedOrder)):
            # The conditional update comes first: it takes the write lock and re-checks the
            # limit in the database, so concurrent requests cannot together exceed it.
            orders_ = EmulatedOrder.objects.filter(pk=found.pk)
            if kind == "capture":
                moved = orders_.filter(
                    placed_status__in=CAPTURABLE,
                    order_amount__gte=F("captured_amount") + amount,
                ).update(captured_amount=F("captured_amount") + amount, updated_at=now,
                         forget_at=now + PLACED_LIFETIME)
            else:
                moved = orders_.filter(
                    captured_amount__gte=F("refunded_amount") + amount,
                ).update(refunded_amount=F("refunded_amount") + amount, updated_at=now,
                         forget_at=now + PLACED_LIFETIME)
            if not moved:
                raise _Refused
            item = model.objects.create(
                order=found, **{amount_key: amount},
                description=str(body.get("description") or "")[:255],
                order_lines=body.get("order_lines") or [], idempotency_key=key,
                **({"shipping_info": body.get("shipping_info") or [],
                    "captured_at": now} if kind == "capture" else {"refunded_at": now}))
            if kind == "capture":
                found.refresh_from_db(fields=["captured_amount", "order_amount"])
                orders_.update(placed_status=Placed.CAPTURED
                               if found.captured_amount >= found.order_amount
                               else Placed.PART_CAPTURED)
    except IntegrityError:
        # The same key, concurrently: the other request's item is the answer.
        earlier = related.filter(idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return _created(kind, found, getattr(earlier, f"{kind}_id"))
    except _Refused:
        return error(403, f"{kind.upper()}_NOT_ALLOWED",
                     [f"Bad value: {amount_key} (more than remaining)"], correlation_id)
    return _created(kind, found, getattr(item, f"{kind}_id"))


@api
def root(request, *, correlation_id):
    return error(404, "NOT_FOUND", ["Unknown endpoint"], correlation_id)


# The buyer's page -----------------------------------------------------------------------


def _buyer_order(order_id: str) -> EmulatedOrder:
    found = _find(order_id)
    if found is None:
        raise Http404("No such checkout, or it has expired.")
    return found


@xframe_options_exempt  # framed by the merchant's checkout page, as Klarna's is
@csp_exempt()  # the provider's page, not the shop's: the shop's policy would forbid framing
@csrf_exempt  # the unguessable order id in the URL is the buyer's key, as at Klarna
@require_http_methods(["GET", "POST"])
def buyer(request, order_id):
    """The emulated checkout in the snippet's iframe: the buyer gives e-mail, name,
    address and phone and confirms. On confirm the order is complete and placed
    (AUTHORIZED, fraud status ACCEPTED), the push goes to the merchant, and the buyer's
    browser goes (the form targets ``_top``) to the merchant's confirmation page."""
    found = _buyer_order(order_id)
    language = found.locale.split("-")[0]
    with translation.override(language if language in ("sv", "en") else "sv"):
        if found.status == Status.COMPLETE:
            return _complete_page(request, found)
        boxes = found.options.get("additional_checkboxes", [])
        if request.method == "GET":
            return _form_page(request, found, BuyerForm(checkboxes=boxes))
        form = BuyerForm(request.POST, checkboxes=boxes)
        if not form.is_valid():
            return _form_page(request, found, form, status=400)
        now = clock.now()
        data = dict(form.cleaned_data)
        answers = [{"id": box["id"], "checked": bool(data.pop(form.checkbox_field(box)))}
                   for box in boxes]
        data["merchant_requested"] = {"additional_checkboxes": answers} if boxes else {}
        completed = EmulatedOrder.objects.filter(
            pk=found.pk, status=Status.INCOMPLETE, expires_at__gt=now,
        ).update(status=Status.COMPLETE, placed_status=Placed.AUTHORIZED,
                 fraud_status="ACCEPTED", completed_at=now, updated_at=now,
                 forget_at=now + PLACED_LIFETIME, **data)
        if completed:
            push.schedule(merchant_url(found, "push"))
        response = HttpResponseRedirect(merchant_url(found, "confirmation"))
        response.status_code = 303
        return response


def _form_page(request, order: EmulatedOrder, form, status: int = 200):
    return render(request, "klarna_emulator/checkout.html", {
        "order": order, "form": form, "checkout_url": merchant_url(order, "checkout"),
        "terms_url": merchant_url(order, "terms"),
        "provider": provider_name(), "company_fields": BuyerForm.COMPANY_FIELDS,
    }, status=status)


def _complete_page(request, order: EmulatedOrder):
    return render(request, "klarna_emulator/complete.html", {
        "order": order, "confirmation_url": merchant_url(order, "confirmation"),
        "provider": provider_name(),
    })
