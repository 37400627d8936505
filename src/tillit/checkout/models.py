"""A checkout session: one opening of the payment provider's checkout for one cart.

It is written when the checkout page has made the provider create its order (not before,
P28), and says whose cart it was (customer or guest session), which provider order it is,
which privacy policy the buyer was shown (P05), the buyer's IP address (P10) and language.
The orders app reads it when the provider reports the purchase complete.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckoutSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In the provider's checkout")
        PLACED = "placed", _("Order placed")
        REPLACED = "replaced", _("Replaced by a newer checkout")
        CANCELLED = "cancelled", _("Not placed; the payment was cancelled")

    cart = models.ForeignKey("cart.Cart", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("cart"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="checkout_sessions",
                             verbose_name=_("customer"))
    # A guest's session as the cart names it (CartOwner.session_ref): a keyed hash of the
    # session key, never the live credential.
    session_ref = models.CharField(_("guest session"), max_length=80, blank=True,
                                   db_index=True)
    klarna_order_id = models.CharField(_("payment provider's order id"), max_length=100,
                                       unique=True)
    payload_digest = models.CharField(
        _("fingerprint of what was sent"), max_length=64,
        help_text=_("Tells whether the cart changed since the provider's order was made."))
    policy_version = models.ForeignKey("privacy.PolicyVersion", on_delete=models.PROTECT,
                                       related_name="+",
                                       verbose_name=_("privacy policy shown"))
    buyer_ip = models.GenericIPAddressField(_("buyer's IP address"), null=True, blank=True)
    locale = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN)
    disclosure = models.ForeignKey("privacy.Disclosure", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("disclosure ledger entry"))
    created_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    completed_at = models.DateTimeField(_("order placed"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged to the provider"), null=True,
                                           blank=True)
    released_at = models.DateTimeField(
        _("payment released"), null=True, blank=True,
        help_text=_("For a payment the shop refused: when the provider confirmed that the "
                    "authorisation was released (tillit payments reconcile)."))
    # When the buyer's answers to the checkout's boxes (newsletter, no offers) went to the
    # consent ledger: once per checkout, whether the confirmation or the push came first.
    choices_recorded_at = models.DateTimeField(_("marketing choices recorded"), null=True,
                                               blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(session_ref=""),
                name="checkout_session_has_owner"),
        ]

    def __str__(self) -> str:
        return self.klarna_order_id

    def belongs_to(self, owner) -> bool:
        """Whether ``owner`` (a :class:`tillit.cart.owner.CartOwner`) opened it."""
        if self.user_id is not None:
            return owner.user is not None and owner.user.pk == self.user_id
        return owner.user is None and bool(self.session_ref) and \
            owner.session_ref == self.session_ref
