"""Reads of carts. The cart page and the checkout start read a cart in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tillit.core.money import Money, VatLine, vat_breakdown

from .models import Cart, CartLine
from .owner import CartOwner


def find_cart(owner: CartOwner) -> Cart | None:
    """The owner's cart, or None if there is none yet (reading never creates one)."""
    if owner.user is not None:
        return Cart.objects.filter(user=owner.user).first()
    ref = owner.session_ref
    if ref is None:
        return None
    return Cart.objects.filter(session_ref=ref, user__isnull=True).first()


def cart_lines(owner: CartOwner) -> QuerySet[CartLine]:
    """The owner's cart lines with their products, in the order they were added.

    Filters through the cart's owner, so it is one query whatever the number of lines and
    there is no need to read the cart row first.
    """
    lines = CartLine.objects.select_related("product")
    if owner.user is not None:
        return lines.filter(cart__user=owner.user)
    ref = owner.session_ref
    if ref is None:
        return lines.none()
    return lines.filter(cart__session_ref=ref, cart__user__isnull=True)


@dataclass(frozen=True)
class CartSummary:
    """A cart's lines and totals (P01): prices incl. VAT, the VAT part per rate, net."""

    lines: list[CartLine]
    total: Money
    vat: list[VatLine]
    net: Money
    item_count: int

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def unavailable_lines(self) -> list[CartLine]:
        """Lines whose product was withdrawn or whose quantity exceeds the stock now."""
        return [line for line in self.lines if not line.is_available]


def summarize(lines: list[CartLine]) -> CartSummary:
    """Totals of ``lines``; VAT is computed per line and summed per rate, as Klarna does."""
    vat = vat_breakdown([(line.total.ore, line.product.vat_rate) for line in lines])
    total = sum((line.total for line in lines), Money(0))
    vat_total = sum((row.vat for row in vat), Money(0))
    return CartSummary(
        lines=lines,
        total=total,
        vat=vat,
        net=total - vat_total,
        item_count=sum(line.quantity for line in lines),
    )


def cart_summary(owner: CartOwner) -> CartSummary:
    """The owner's cart with totals, read in one query."""
    return summarize(list(cart_lines(owner)))
