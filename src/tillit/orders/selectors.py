"""Reads about orders, for their buyers' pages.

A customer reaches only their own orders (another customer's order number is a 404); a
guest reaches one order through its signed link (a changed token is a 404). After the
buyer's erasure nobody does: the order has no account and only a hash of the e-mail, so
its old guest link is a 404, and its documents, locked to bookkeeping, are never shown
on a buyer's page (P32).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from . import links, services
from .models import CreditNote, Order, OrderLine, Receipt, ReturnRequest


def orders_of(user):
    return (Order.objects.filter(user=user).select_related("carrier")
            .order_by("-placed_at", "-number"))


def order_of(user, number: int) -> Order:
    return get_object_or_404(Order.objects.select_related("carrier", "receipt"),
                             user=user, number=number)


def order_for_token(token: str) -> Order:
    """The guest order ``token`` opens; 404 for a token that is not ours or an erased
    buyer's order (it keeps only a keyed hash of the e-mail: it is nobody's now), and
    ``links.LinkExpired`` for a link whose time has passed."""
    try:
        order = links.order_for_token(token)
    except links.LinkExpired as expired:
        if expired.order.buyer_erased:
            raise Http404("No such order.") from None
        raise
    if order is None or order.buyer_erased:
        raise Http404("No such order.")
    return order


def receipt_of(order: Order) -> Receipt:
    return get_object_or_404(Receipt.objects.unlocked(), order=order)


def credit_note_of(order: Order, number: int) -> CreditNote:
    return get_object_or_404(CreditNote.objects.unlocked(), receipt__order=order,
                             number=number)


@dataclass
class ReturnableLine:
    line: OrderLine
    left: int


def returnable_lines(order: Order) -> list[ReturnableLine]:
    """The order's goods with how many of each may still be returned."""
    done = services.returned_quantities(order)
    rows = [ReturnableLine(line, line.quantity - done.get(line.pk, 0))
            for line in order.lines.all() if line.is_goods]
    return [row for row in rows if row.left > 0]


@dataclass
class OrderPage:
    order: Order
    lines: list[OrderLine]
    returns: list[ReturnRequest]
    credit_notes: list[CreditNote]
    can_return: bool


def order_page(order: Order, now=None) -> OrderPage:
    returns = list(order.returns.prefetch_related("lines__order_line"))
    notes = list(CreditNote.objects.unlocked().filter(receipt__order=order).order_by("number"))
    can_return = services.return_window_open(order, now) and bool(returnable_lines(order))
    return OrderPage(order=order, lines=list(order.lines.all()), returns=returns,
                     credit_notes=notes, can_return=can_return)
