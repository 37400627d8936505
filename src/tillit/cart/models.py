"""Carts (P12): a guest's cart is found by its session, a customer's by the account.

A customer's cart has no session key (the account is the link); a guest's cart has no
user. The login merge (``services.merge_guest_cart``) moves a guest's lines into the
customer's cart and deletes the guest cart, so a person never has two.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.catalog.models import Product
from tillit.core.money import Money


class Cart(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.CASCADE, related_name="cart",
                                verbose_name=_("customer"))
    # A keyed hash of the guest's session key (CartOwner.session_ref), never the key.
    session_ref = models.CharField(_("session"), max_length=80, null=True, blank=True,
                                   unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(session_ref__isnull=False),
                name="cart_has_owner",
            )
        ]

    def __str__(self) -> str:
        return str(_("Cart %(number)s") % {"number": self.pk})


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines",
                             verbose_name=_("cart"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def total(self) -> Money:
        """The line's price incl. VAT: unit price × quantity."""
        return self.product.price * self.quantity

    @property
    def is_available(self) -> bool:
        """Whether the line can be bought as it stands (the shop may have changed since)."""
        return self.product.is_active and self.quantity <= self.product.stock
