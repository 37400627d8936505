"""The emulator's rows in the data map (demo and tests only; production never installs it).

They are the provider's records, not the shop's (``held_for``): declared so that every
column is accounted for and the demo's erasure and sweep reach them, but left out of the
shop's policy, its Art. 30 record and a person's access export, as the real provider's
data would be (the provider declares its own, under its own policy).

The emulated checkout collects what the real provider collects: the buyer's e-mail, name,
address and phone, and for a company buyer its name, org.nr and VAT number. It keeps them
briefly: an unfinished checkout until 48 hours after it was opened (when it expires, as
Klarna's do), a placed order until 30 days after its last change (long enough for a demo
order to be shipped and returned).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.privacy import datamap as dm

from .models import EmulatedCapture, EmulatedOrder, EmulatedRefund


@dataclass(frozen=True)
class UntilForgetAt(dm.Retention):
    """Kept until the moment in ``anchor``, which the emulator sets per state."""

    anchor: str = "forget_at"

    def describe(self):
        return _("48 hours after an unfinished checkout was opened; 30 days after the last "
                 "change of a placed order")

    def expired(self, queryset, now=None):
        return queryset.filter(**{f"{self.anchor}__lt": now or timezone.now()})


def through_shop_orders(path: str):
    """A finder: the rows of the provider's orders that the person's own shop orders name
    (a logged-in buyer may type another e-mail address at checkout than the account's)."""

    def finder(model, person):
        from tillit.orders.models import Order

        if person.account is None:
            return model.objects.none()
        # A list, not a subquery: in the demo the emulator keeps its books in a database
        # of its own, as a real provider would.
        ids = list(Order.objects.filter(user=person.account).exclude(klarna_order_id="")
                   .values_list("klarna_order_id", flat=True))
        return model.objects.filter(**{f"{path}__in": ids})

    return finder


PAYMENT = dm.Use("essential.service.payment_processing", dm.CONTRACT,
                 _("to emulate the payment provider's checkout in the demo shop"))

dm.declare(
    EmulatedOrder,
    title=_("Demo payment provider: checkout orders"),
    subject=dm.Subject(email="email", kinds=("customer", "guest"),
                       finder=through_shop_orders("order_id")),
    fields={
        "email": dm.Field("user.contact.email"),
        "given_name": dm.Field("user.name"),
        "family_name": dm.Field("user.name"),
        "street_address": dm.Field("user.contact.address.street"),
        "postal_code": dm.Field("user.contact.address.postal_code"),
        "city": dm.Field("user.contact.address.city"),
        "country": dm.Field("user.contact.address.country"),
        "phone": dm.Field("user.contact.phone_number"),
        "organization_name": dm.Field("user.workplace"),
        "organization_registration_id": dm.Field("user.government_id"),
        "vat_id": dm.Field("user.government_id"),
        "payment_method": dm.Field("user.financial"),
        "fraud_status": dm.Field("user.financial", dm.GENERATED),
        "captured_amount": dm.Field("user.financial", dm.GENERATED),
        "refunded_amount": dm.Field("user.financial", dm.GENERATED),
        "order_id": dm.Field("user.unique_id", dm.GENERATED),
        "merchant_reference1": dm.Field("user.unique_id", dm.GENERATED),
        "merchant_reference2": dm.Field("user.unique_id", dm.GENERATED),
        "order_lines": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "order_amount": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "order_tax_amount": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "status": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "placed_status": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "locale": dm.Field("user.account.settings", dm.GENERATED),
        # The buyer's answers to the merchant's boxes (newsletter, no offers).
        "merchant_requested": dm.Field("user.account.settings"),
        "created_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "updated_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "completed_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "acknowledged_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "expires_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
        "forget_at": dm.Field("user.behavior.purchase_history", dm.GENERATED),
    },
    uses=[PAYMENT],
    retention=UntilForgetAt(),
    on_erasure=dm.DELETE,
    recipients={"hosting": None},
    held_for="payment_provider",
    not_personal=("purchase_country", "purchase_currency", "merchant_urls", "merchant_host",
                  "customer_type", "options"),
)

for model, amount, when, key in (
    (EmulatedCapture, "captured_amount", "captured_at", "capture_id"),
    (EmulatedRefund, "refunded_amount", "refunded_at", "refund_id"),
):
    dm.declare(
        model,
        title=(_("Demo payment provider: captures") if model is EmulatedCapture
               else _("Demo payment provider: refunds")),
        subject=dm.Subject(email="order__email", kinds=("customer", "guest"),
                           finder=through_shop_orders("order__order_id")),
        fields={
            amount: dm.Field("user.financial", dm.GENERATED),
            key: dm.Field("user.unique_id", dm.GENERATED),
            "order_lines": dm.Field("user.behavior.purchase_history", dm.GENERATED),
            "description": dm.Field("user.behavior.purchase_history", dm.GENERATED),
            when: dm.Field("user.behavior.purchase_history", dm.GENERATED),
            **({"shipping_info": dm.Field("user.behavior.purchase_history", dm.GENERATED)}
               if model is EmulatedCapture else {}),
        },
        uses=[PAYMENT],
        retention=UntilForgetAt(anchor="order__forget_at"),
        on_erasure=dm.DELETE,
        recipients={"hosting": None},
        held_for="payment_provider",
        not_personal=("idempotency_key",),
    )
