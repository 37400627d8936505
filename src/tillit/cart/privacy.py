from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm

from .models import Cart, CartLine

CART_DAYS = 30

dm.declare(
    Cart,
    title=_("Carts"),
    subject=dm.Subject(user="user", session="session_ref", kinds=("customer", "visitor")),
    fields={
        "session_ref": dm.Field("user.device.cookie_id", dm.GENERATED),
        "created_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "updated_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    uses=[dm.Use("essential.service", dm.CONTRACT, _("to keep what you put in your cart"))],
    retention=dm.After("updated_at", days=CART_DAYS, event=_("the cart was last changed")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)

dm.declare(
    CartLine,
    title=_("Cart contents"),
    subject=dm.Subject(user="cart__user", session="cart__session_ref",
                       kinds=("customer", "visitor")),
    fields={
        "product": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "quantity": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "added_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    uses=[dm.Use("essential.service", dm.CONTRACT, _("to keep what you put in your cart"))],
    # A line goes with its cart: counted from the cart's last change, not the line's.
    retention=dm.After("cart__updated_at", days=CART_DAYS,
                       event=_("the cart was last changed")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)
