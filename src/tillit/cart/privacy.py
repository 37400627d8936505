from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm

from .models import Cart, CartLine

# A guest's cart lives as long as its session can; a customer's is emptied at checkout
# and otherwise kept a while for the customer's convenience.
CART_DAYS = 30

dm.declare(
    Cart,
    title=_("Carts"),
    subject=dm.Subject(user="user", session="session_key", kinds=("customer", "visitor")),
    fields={
        "session_key": dm.Field("user.device.cookie_id", dm.GENERATED),
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
    subject=dm.Subject(user="cart__user", session="cart__session_key",
                       kinds=("customer", "visitor")),
    fields={
        "product": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "quantity": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "added_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    uses=[dm.Use("essential.service", dm.CONTRACT, _("to keep what you put in your cart"))],
    retention=dm.After("added_at", days=CART_DAYS, event=_("it was put in the cart")),
    on_erasure=dm.DELETE,
    recipients=("hosting",),
)
