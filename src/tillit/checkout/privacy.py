"""The checkout in the data map (P05, P10, P28)."""

from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm
from tillit.privacy.erasure import register_blocker

from .models import CheckoutSession
from .reconcile import money_in_flight

# A checkout row outlives the visit only to connect a late push from the provider to the
# cart and to show which policy was accepted; the order itself keeps what must be kept.
CHECKOUT_DAYS = 30

dm.declare(
    CheckoutSession,
    title=_("Checkouts"),
    subject=dm.Subject(user="user", session="session_ref", kinds=("customer", "guest")),
    fields={
        "session_ref": dm.Field("user.device.cookie_id", dm.GENERATED),
        "cart": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "payload_digest": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "klarna_order_id": dm.Field("user.unique_id", dm.GENERATED),
        "policy_version": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "buyer_ip": dm.Field("user.device.ip_address", dm.GENERATED),
        "locale": dm.Field("user.account.settings", dm.GENERATED),
        "status": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "disclosure": dm.Field("system.operations", dm.GENERATED),
        "created_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "updated_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "completed_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "acknowledged_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "released_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "choices_recorded_at": dm.Field("system.operations", dm.GENERATED),
    },
    uses=[
        dm.Use("essential.service.payment_processing", dm.CONTRACT,
               _("to open the payment provider's checkout for your cart and place your order "
                 "when you have paid")),
        dm.Use("essential.service.security", dm.LEGITIMATE_INTEREST,
               _("to find misuse of the checkout"), fields=("buyer_ip",)),
    ],
    # P10: the raw IP address goes with the row, 30 days after the checkout was last used.
    retention=dm.After("updated_at", days=CHECKOUT_DAYS,
                       event=_("the checkout was last used")),
    on_erasure=dm.DELETE,
    recipients={"hosting": None, "payment_provider": ("cart", "klarna_order_id")},
)

# A payment under way, or a refused one not yet released, makes an erasure wait; no
# override lifts it, so that no money stays held for someone the shop no longer knows.
register_blocker(money_in_flight, overridable=False)
