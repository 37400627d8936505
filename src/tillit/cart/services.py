"""Writes to carts: add, change a quantity, remove, and the merge at login.

Every function validates before it writes and raises :class:`CartError` (with a message
for the customer) when the request cannot be honoured; then nothing has changed: no cart,
line or session is created. After every change the session's item count (shown in the
header of every page) is brought up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tillit.catalog.models import Product

from .models import Cart, CartLine
from .owner import COUNT_SESSION_KEY, GUEST_CART_SESSION_KEY, CartOwner

NOT_A_NUMBER = _("Enter the quantity as a whole number.")
TOO_FEW = _("The quantity must be at least 1.")
PRODUCT_UNAVAILABLE = _("That product is not available.")
LINE_GONE = _("That item is not in your cart.")
CART_GONE = _("Your cart is no longer there. Please reload the page and try again.")


class CartError(Exception):
    """A cart change that cannot be made. ``message`` is meant for the customer."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


def _whole_number(value, error) -> int:
    # bool is an int subclass; True must not mean "1".
    if isinstance(value, bool) or not isinstance(value, int):
        raise CartError(error)
    return value


def _not_in_stock(product: Product, stock_left: int, in_cart: int) -> CartError:
    if product.stock == 0:
        return CartError(_("%(name)s is out of stock.") % {"name": product.name})
    if in_cart:
        return CartError(
            _("You already have %(in_cart)d of %(name)s in your cart; we have %(stock)d in "
              "stock, so you can add at most %(left)d more.")
            % {"in_cart": in_cart, "name": product.name, "stock": product.stock,
               "left": stock_left}
        )
    return CartError(
        _("We have only %(stock)d of %(name)s in stock.")
        % {"stock": product.stock, "name": product.name}
    )


def _buyable_product(product_id) -> Product:
    product_id = _whole_number(product_id, PRODUCT_UNAVAILABLE)
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise CartError(PRODUCT_UNAVAILABLE)
    return product


def _locked_cart(owner: CartOwner, *, create: bool) -> Cart | None:
    """The owner's cart, locked for this transaction; created (with the guest's session,
    if need be) when ``create`` is true."""
    if owner.user is not None:
        if create:
            cart, _created = Cart.objects.get_or_create(user=owner.user)
        else:
            cart = Cart.objects.filter(user=owner.user).first()
    else:
        if owner.session.session_key is None and create:
            owner.session.save()  # gives the session its key
        ref = owner.session_ref
        if ref is None:
            return None
        if create:
            cart, _created = Cart.objects.get_or_create(session_ref=ref, user=None)
            owner.session[GUEST_CART_SESSION_KEY] = cart.pk
        else:
            cart = Cart.objects.filter(session_ref=ref, user__isnull=True).first()
    if cart is None:
        return None
    # Serialises changes to one cart, so "already in the cart + added ≤ stock" holds when
    # two requests race (a no-op on SQLite, which locks the whole database anyway). The
    # cart may have gone meanwhile (its owner's data erased, a guest cart swept).
    locked = Cart.objects.select_for_update().filter(pk=cart.pk).first()
    if locked is None and create:
        raise CartError(CART_GONE)
    return locked


def _line_of(cart: Cart | None, line_id) -> CartLine:
    """The line ``line_id`` of ``cart``; a line of any other cart is reported as gone."""
    line_id = _whole_number(line_id, LINE_GONE)
    line = None
    if cart is not None:
        line = CartLine.objects.select_related("product").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartError(LINE_GONE)
    return line


def _item_count(cart: Cart) -> int:
    return cart.lines.aggregate(n=Sum("quantity"))["n"] or 0


def note_item_count(session: SessionBase, count: int) -> None:
    """Store the cart's item count in the session unless it is already there.

    Comparing first means a guest who only looks at an empty cart gets no session.
    """
    if session.get(COUNT_SESSION_KEY, 0) != count:
        session[COUNT_SESSION_KEY] = count


def add(owner: CartOwner, product_id: int, quantity: int = 1) -> CartLine:
    """Put ``quantity`` of the product ``product_id`` in the owner's cart.

    Adds to the line if the product is already there. Raises CartError if the product is
    unknown or not for sale, or if the quantity is not a whole number ≥ 1, or if the cart
    would then hold more than the stock.
    """
    quantity = _whole_number(quantity, NOT_A_NUMBER)
    product = _buyable_product(product_id)
    if quantity < 1:
        raise CartError(TOO_FEW)
    if quantity > product.stock:
        raise _not_in_stock(product, product.stock, 0)
    with transaction.atomic():
        cart = _locked_cart(owner, create=True)
        line = CartLine.objects.filter(cart=cart, product=product).first()
        in_cart = line.quantity if line else 0
        if in_cart + quantity > product.stock:
            raise _not_in_stock(product, max(product.stock - in_cart, 0), in_cart)
        if line is None:
            line = CartLine.objects.create(cart=cart, product=product, quantity=quantity)
        else:
            line.quantity = in_cart + quantity
            line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
        note_item_count(owner.session, _item_count(cart))
    return line


def set_quantity(owner: CartOwner, line_id: int, quantity: int) -> CartLine:
    """Set the quantity of the line ``line_id`` of the owner's cart.

    Raises CartError if the line is not in this cart, if the quantity is not a whole number
    ≥ 1 or exceeds the stock, or if the product is no longer for sale.
    """
    quantity = _whole_number(quantity, NOT_A_NUMBER)
    with transaction.atomic():
        cart = _locked_cart(owner, create=False)
        line = _line_of(cart, line_id)
        product = line.product
        if not product.is_active:
            raise CartError(_("%(name)s is no longer for sale; please remove it.")
                            % {"name": product.name})
        if quantity < 1:
            raise CartError(TOO_FEW)
        if quantity > product.stock:
            raise _not_in_stock(product, product.stock, 0)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
        note_item_count(owner.session, _item_count(cart))
    return line


def remove(owner: CartOwner, line_id: int) -> Product:
    """Remove the line ``line_id`` from the owner's cart; returns the product it held.

    Raises CartError if the line is not in this cart.
    """
    with transaction.atomic():
        cart = _locked_cart(owner, create=False)
        line = _line_of(cart, line_id)
        line.delete()
        cart.save(update_fields=["updated_at"])
        note_item_count(owner.session, _item_count(cart))
    return line.product


@dataclass(frozen=True)
class MergeResult:
    merged: bool = False
    """Whether a guest cart was found and merged."""
    capped: bool = False
    """Whether some quantity was lowered (or a line left out) to what is in stock."""


def merge_guest_cart(session: SessionBase, user) -> MergeResult:
    """At login: move the guest cart's lines into ``user``'s cart and delete the guest cart.

    Quantities of a product in both carts are summed and capped at the stock; products no
    longer for sale are left out. Django has given the session a new key by now, so the
    guest cart is found by the id the session remembers. Then the session's item count is
    set to the customer's cart.
    """
    cart_id = session.pop(GUEST_CART_SESSION_KEY, None)
    capped = merged = False
    with transaction.atomic():
        guest = None
        if isinstance(cart_id, int) and not isinstance(cart_id, bool):
            guest = (Cart.objects.select_for_update()
                     .filter(pk=cart_id, user__isnull=True).first())
        if guest is not None:
            merged = True
            cart = _locked_cart(CartOwner(session=session, user=user), create=True)
            have = {line.product_id: line for line in cart.lines.all()}
            for line in guest.lines.select_related("product"):
                product = line.product
                mine = have.get(product.pk)
                wanted = line.quantity + (mine.quantity if mine else 0)
                quantity = min(wanted, product.stock) if product.is_active else 0
                capped = capped or quantity < wanted
                if quantity < 1:
                    continue
                if mine is None:
                    CartLine.objects.create(cart=cart, product=product, quantity=quantity)
                else:
                    mine.quantity = quantity
                    mine.save(update_fields=["quantity"])
            guest.delete()
            cart.save(update_fields=["updated_at"])
            note_item_count(session, _item_count(cart))
        else:
            cart = Cart.objects.filter(user=user).first()
            note_item_count(session, _item_count(cart) if cart else 0)
    return MergeResult(merged=merged, capped=capped)
