"""Returns under the 14-day right of withdrawal (ångerrätt): started by the buyer,
received by staff, refunded through the provider with a credit note. Refunds send an
idempotency key stored before the first attempt, so a retry cannot refund twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.money import vat_part

from . import notifications, provider, receipts
from .errors import RETURN_WINDOW_CLOSED, ReturnRefused
from .fulfilment import lock, restock
from .models import CreditNote, Order, OrderLine, ReturnLine, ReturnRequest
from .provider_disclosures import REFUND, record_call

log = logging.getLogger(__name__)

Status = Order.Status
MAX_REASON = 1000


def returned_quantities(order: Order) -> dict[int, int]:
    """Quantity per order line already in a return that was not rejected."""
    rows = (ReturnLine.objects.filter(return_request__order=order)
            .exclude(return_request__status=ReturnRequest.Status.REJECTED)
            .values("order_line").annotate(n=Sum("quantity")))
    return {row["order_line"]: row["n"] for row in rows}


def return_window_open(order: Order, now=None) -> bool:
    """Whether a return may be started: delivered, and today is at most the 14th day
    after the day of delivery."""
    deadline = order.return_deadline()
    if deadline is None or order.status not in (Status.DELIVERED, Status.RETURNED):
        return False
    return timezone.localdate(now or timezone.now()) <= deadline


def start_return(order: Order, quantities: Mapping[int, int], reason: str = "", *,
                 now=None) -> ReturnRequest:
    """The buyer returns ``quantities`` (order line id → quantity) of the order's goods.

    Refused with :class:`ReturnRefused` after the 14-day period, for lines that are not
    this order's goods, for quantities below 0 or above what is left to return, when
    nothing is chosen, or when the reason is too long.
    """
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise ReturnRefused(_("Keep the reason under %(n)d characters.") % {"n": MAX_REASON})
    with transaction.atomic():
        order = lock(order)
        if not return_window_open(order, now):
            raise ReturnRefused(RETURN_WINDOW_CLOSED)
        lines = {line.pk: line for line in order.lines.all() if line.is_goods}
        done = returned_quantities(order)
        chosen = []
        for line_id, quantity in quantities.items():
            line = lines.get(line_id) if isinstance(line_id, int) else None
            if line is None:
                raise ReturnRefused(_("That item is not part of this order."))
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
                raise ReturnRefused(_("Enter the quantity as a whole number."))
            left = line.quantity - done.get(line.pk, 0)
            if quantity > left:
                raise ReturnRefused(_("You can return at most %(n)d of %(name)s.")
                                    % {"n": left, "name": line.name})
            if quantity:
                chosen.append((line, quantity))
        if not chosen:
            raise ReturnRefused(_("Choose at least one item to return."))
        request = ReturnRequest.objects.create(order=order, reason=reason.strip())
        ReturnLine.objects.bulk_create([
            ReturnLine(return_request=request, order_line=line, quantity=quantity)
            for line, quantity in chosen
        ])
    return request


def mark_return_received(return_request: ReturnRequest) -> ReturnRequest:
    """The returned goods have arrived."""
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if ret.status == ReturnRequest.Status.RECEIVED:
            return ret
        if ret.status != ReturnRequest.Status.REQUESTED:
            raise ReturnRefused(_("This return is already %(status)s.")
                                % {"status": ret.get_status_display()})
        ret.status = ReturnRequest.Status.RECEIVED
        ret.received_at = timezone.now()
        ret.save(update_fields=["status", "received_at"])
    return ret


def _refund_lines(ret: ReturnRequest) -> list[tuple[OrderLine, int]]:
    """The returned goods, plus the shipping fee when this return completes the return of
    every item (the standard delivery cost is refunded on a full withdrawal)."""
    order = ret.order
    pairs = [(rl.order_line, rl.quantity) for rl in ret.lines.select_related("order_line")]
    done = returned_quantities(order)  # includes this return
    goods = [line for line in order.lines.all() if line.is_goods]
    if all(done.get(line.pk, 0) >= line.quantity for line in goods):
        pairs += [(line, line.quantity) for line in order.lines.all()
                  if line.kind == OrderLine.Kind.SHIPPING_FEE]
    return pairs


def _klarna_lines(pairs: list[tuple[OrderLine, int]]) -> list[dict]:
    out = []
    for line, quantity in pairs:
        total = line.unit_price_ore * quantity
        out.append({"type": line.kind, "reference": line.sku, "name": line.name,
                    "quantity": quantity, "unit_price": line.unit_price_ore,
                    "tax_rate": line.vat_rate, "total_amount": total,
                    "total_tax_amount": vat_part(total, line.vat_rate)})
    return out


def refund_return(return_request: ReturnRequest) -> CreditNote:
    """Refund a received return through the provider (the returned lines' amounts), write
    the credit note, put the goods back in stock and e-mail the buyer.

    Idempotent: a refunded return gives back its credit note; the refund's idempotency key
    is committed before the provider is called, so a retry refunds once.
    """
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().get(pk=return_request.pk)
        if ret.status == ReturnRequest.Status.REFUNDED:
            return ret.credit_note
        if ret.status != ReturnRequest.Status.RECEIVED:
            raise ReturnRefused(_("Mark the return as received before refunding it."))
        if ret.refund_idempotency_key is None:
            ret.refund_idempotency_key = uuid.uuid4()
            ret.save(update_fields=["refund_idempotency_key"])
    provider_error = provider.error()
    with transaction.atomic():
        ret = ReturnRequest.objects.select_for_update().select_related("order").get(pk=ret.pk)
        if ret.status == ReturnRequest.Status.REFUNDED:
            return ret.credit_note
        order = lock(ret.order)
        pairs = _refund_lines(ret)
        amount = sum(line.unit_price_ore * quantity for line, quantity in pairs)
        if amount <= 0 or amount > order.total_ore - order.refunded_ore:
            raise ReturnRefused(_("The refund would exceed what is left of the order."))
        try:
            refund_id = provider.get_client().refund(
                order.klarna_order_id, amount, order_lines=_klarna_lines(pairs),
                description=f"Return {ret.pk} of order {order.number}",
                idempotency_key=str(ret.refund_idempotency_key))
        except provider_error as exc:
            log.warning("Refund of return %s failed: %s", ret.pk, exc)
            raise ReturnRefused(_("The payment provider did not accept the refund; nothing "
                                  "was changed. Try again in a moment.")) from exc
        now = timezone.now()
        restock([(line, quantity) for line, quantity in pairs])
        ret.status = ReturnRequest.Status.REFUNDED
        ret.refunded_at = now
        ret.refund_ore = amount
        ret.klarna_refund_id = str(refund_id or "")[:100]
        ret.save()
        order.refunded_ore += amount
        order.status = Status.REFUNDED if order.refunded_ore >= order.total_ore \
            else Status.RETURNED
        order.save(update_fields=["refunded_ore", "status", "updated_at"])
        record_call(order, REFUND, lines=True)
        ret.order = order
        note = receipts.issue_credit_note(order, pairs, return_request=ret,
                                          supply_date=ret.received_at)
    try:
        notifications.send_refunded(ret, note)
    except Exception:
        log.exception("Could not send the refund e-mail for return %s", ret.pk)
    return note
