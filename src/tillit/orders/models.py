"""Orders, their receipts and credit notes (accounting records), and returns.

An order is a snapshot of what the buyer agreed to in the checkout: lines with the name,
SKU, unit price and VAT rate as they were, the addresses the payment provider returned, and
the policy version the buyer was shown (P05). Amounts are integer öre, incl. VAT.

Receipts and credit notes are accounting records under Bokföringslagen: written once at
issue (rendered HTML plus the data as JSON), numbered without gaps per series, and never
changed afterwards. ``save()`` refuses an update, the queryset refuses ``update()``, and a
database trigger (see the migrations) refuses an UPDATE that bypasses both. It lets
through two changes only: a link to a deleted order, receipt or return becoming NULL, and
the lock of an erasure (``lock_kept``): ``locked_at`` stamped once, with the lookup e-mail
replaced by a keyed hash. A locked document is the buyer's no more: it serves bookkeeping
only, seen by staff with the "view kept accounting records" permission, until the
retention sweep deletes it.

An order goes with its lines and returns (CASCADE); its documents stand alone, so the
retention sweep can remove each when its own period ends, in any order.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.core.money import Money, VatLine, vat_breakdown
from tillit.privacy.hashing import is_hashed

# The withdrawal period (ångerrätt, lagen om distansavtal 2 kap. 10 §): 14 days from the
# day the goods were received.
RETURN_DAYS = 14


class NumberSeries(models.Model):
    """The last number used in a series (orders, receipts, credit notes).

    A series row is locked (SELECT ... FOR UPDATE) while the next number is taken, inside the
    transaction that writes the numbered row: a rollback returns the number, so the series
    has no gaps and no duplicates.
    """

    key = models.CharField(max_length=30, unique=True)
    last_number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_number}"


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        RETURNED = "returned", _("Partly returned and refunded")
        REFUNDED = "refunded", _("Returned and refunded")

    number = models.PositiveIntegerField(_("order number"), unique=True)
    klarna_order_id = models.CharField(_("payment provider's order id"), max_length=100,
                                       unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLACED, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="orders",
                             verbose_name=_("customer"))
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, default="sv")

    billing_name = models.CharField(_("billing name"), max_length=200)
    billing_company = models.CharField(_("billing company"), max_length=200, blank=True)
    billing_org_nr = models.CharField(_("buyer's org.nr"), max_length=30, blank=True)
    billing_vat_number = models.CharField(_("buyer's VAT number"), max_length=20, blank=True)
    billing_street = models.CharField(_("billing street address"), max_length=200)
    billing_street2 = models.CharField(_("billing street address, line 2"), max_length=200,
                                       blank=True)
    billing_postal_code = models.CharField(_("billing postal code"), max_length=20)
    billing_city = models.CharField(_("billing city"), max_length=100)
    billing_country = models.CharField(_("billing country"), max_length=2, default="SE")
    billing_phone = models.CharField(_("phone"), max_length=40, blank=True)

    shipping_name = models.CharField(_("delivery name"), max_length=200)
    shipping_company = models.CharField(_("delivery company"), max_length=200, blank=True)
    shipping_street = models.CharField(_("delivery street address"), max_length=200)
    shipping_street2 = models.CharField(_("delivery street address, line 2"), max_length=200,
                                        blank=True)
    shipping_postal_code = models.CharField(_("delivery postal code"), max_length=20)
    shipping_city = models.CharField(_("delivery city"), max_length=100)
    shipping_country = models.CharField(_("delivery country"), max_length=2, default="SE")
    shipping_phone = models.CharField(_("delivery phone"), max_length=40, blank=True)

    # Raw for a short time, then replaced by a keyed hash (the data map's HashAfter rule).
    buyer_ip = models.CharField(_("buyer's IP address"), max_length=100, blank=True)
    policy_version = models.ForeignKey("privacy.PolicyVersion", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("privacy policy shown at checkout"))

    currency = models.CharField(_("currency"), max_length=3, default="SEK")
    total_ore = models.IntegerField(_("total incl. VAT (öre)"))
    total_vat_ore = models.IntegerField(_("VAT (öre)"))
    refunded_ore = models.PositiveIntegerField(_("refunded (öre)"), default=0)
    payment_method = models.CharField(_("payment method"), max_length=200)

    carrier = models.ForeignKey("shipping.Carrier", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="orders",
                                verbose_name=_("carrier"))
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    # Reused for every retry of the capture, so the provider captures once (see services).
    capture_idempotency_key = models.UUIDField(_("capture idempotency key"), null=True,
                                               blank=True, editable=False)
    klarna_capture_id = models.CharField(_("capture id"), max_length=100, blank=True)

    placed_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    packed_at = models.DateTimeField(_("packed"), null=True, blank=True)
    exported_at = models.DateTimeField(_("sent to the carrier"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mailed"), null=True,
                                                blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-number"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        # A guest's orders are found by e-mail in any letter case (access, erasure).
        indexes = [models.Index(Upper("email"), name="order_email_ci")]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_ore__gte=0),
                                   name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.number)

    @property
    def total(self) -> Money:
        return Money(self.total_ore)

    @property
    def net_ore(self) -> int:
        return self.total_ore - self.total_vat_ore

    def vat_breakdown(self) -> list[VatLine]:
        """VAT per rate over the order's lines (P01), computed as Klarna computes it."""
        return vat_breakdown([(line.total_ore, line.vat_rate) for line in self.lines.all()])

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None

    @property
    def buyer_erased(self) -> bool:
        """The buyer was erased while the order was open (staff override): the order keeps
        only a keyed hash of the address (the data map's ``Anonymise``)."""
        return is_hashed(self.email)

    @property
    def contact_email(self) -> str:
        """The address to write to about the order, or "" once the buyer was erased."""
        return "" if self.buyer_erased else self.email

    @property
    def tracking_url(self) -> str:
        """The carrier's tracking page for this order (P02), once it has a number."""
        if self.carrier is None or not self.tracking_number:
            return ""
        return self.carrier.tracking_url(self.tracking_number)

    def return_deadline(self) -> dt.date | None:
        """The last day a return may be started: 14 days after the day of delivery."""
        if self.delivered_at is None:
            return None
        return timezone.localdate(self.delivered_at) + dt.timedelta(days=RETURN_DAYS)


class OrderLine(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("Goods")
        DIGITAL = "digital", _("Digital goods")
        SHIPPING_FEE = "shipping_fee", _("Shipping")
        DISCOUNT = "discount", _("Discount")
        SURCHARGE = "surcharge", _("Surcharge")
        OTHER = "other", _("Other")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines",
                              verbose_name=_("order"))
    product = models.ForeignKey("catalog.Product", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("product"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.PHYSICAL)
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    unit_price_ore = models.IntegerField(_("unit price incl. VAT (öre)"))
    vat_rate = models.PositiveIntegerField(_("VAT rate (basis points)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    total_ore = models.IntegerField(_("total incl. VAT (öre)"))
    vat_ore = models.IntegerField(_("VAT (öre)"))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def is_goods(self) -> bool:
        return self.kind in (self.Kind.PHYSICAL, self.Kind.DIGITAL)


class ImmutableDocument(Exception):
    """Something tried to change an issued receipt or credit note."""


# Who may see documents locked by an erasure: bookkeeping, not support (P32).
KEPT_RECORDS_PERMISSION = "orders.view_kept_accounting_records"
# What an erasure may change on an issued document (``privacy.datamap.Keep``).
LOCK_CHANGES = frozenset({"locked_at", "buyer_email"})


class _WriteOnceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableDocument(f"{self.model._meta.label} rows are never changed.")

    update.queryset_only = True

    def lock_kept(self, **changes) -> int:
        """Lock the documents of an erased buyer to bookkeeping: ``locked_at`` (required)
        stamped, and ``buyer_email``, the only link to the buyer outside the document,
        replaced by a keyed hash. The document as issued (name, address, HTML, data) stays;
        it is the record. Documents locked before are left as they are."""
        if set(changes) - LOCK_CHANGES or changes.get("locked_at") is None:
            raise ImmutableDocument(f"Locking {self.model._meta.label} rows stamps "
                                    "locked_at and may hash buyer_email; nothing else.")
        if "buyer_email" in changes and not is_hashed(changes["buyer_email"]):
            raise ImmutableDocument("A locked document keeps only a keyed hash of the "
                                    "buyer's e-mail.")
        return models.QuerySet.update(self.filter(locked_at__isnull=True), **changes)

    lock_kept.queryset_only = True

    def unlocked(self):
        """The documents that are still their buyer's (not locked by an erasure)."""
        return self.filter(locked_at__isnull=True)


class AccountingDocument(models.Model):
    """What receipts and credit notes share: a number in a gapless series, the issue time,
    the buyer as printed, and the document itself (HTML as issued, data as JSON)."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    issued_at = models.DateTimeField(_("issued"))
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_email = models.EmailField(_("buyer's e-mail"))
    total_ore = models.IntegerField(_("total incl. VAT (öre)"))
    html = models.TextField(_("document (HTML, as issued)"))
    data = models.JSONField(_("document data"))
    locked_at = models.DateTimeField(
        _("locked for bookkeeping"), null=True, blank=True, editable=False,
        help_text=_("Set when the buyer's data was erased: the document is then kept for "
                    "bookkeeping only, until its retention period ends."))

    objects = _WriteOnceQuerySet.as_manager()

    PREFIX = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument(f"{self._meta.label} {self.number} is issued; it cannot "
                                    "be changed. Write a credit note instead.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @property
    def display_number(self) -> str:
        return f"{self.PREFIX}{self.number}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Receipt(AccountingDocument):
    """The receipt, with the content of a full invoice (mervärdesskattelagen 17 kap.)."""

    PREFIX = "R-"
    # SET_NULL: the receipt outlives the order if the retention sweep removes the order
    # first; it is complete in itself (``data``). The database allows this one change.
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="receipt", verbose_name=_("order"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        indexes = [models.Index(Upper("buyer_email"), name="receipt_buyer_email_ci")]
        # For receipts and credit notes alike (the admin asks for it by name).
        permissions = [("view_kept_accounting_records",
                        _("Can view accounting records kept after an erasure"))]


class ReturnRequest(models.Model):
    """A return under the 14-day right of withdrawal (ångerrätt)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Goods received")
        REFUNDED = "refunded", _("Refunded")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns",
                              verbose_name=_("order"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.REQUESTED, db_index=True)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    received_at = models.DateTimeField(_("goods received"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refund_ore = models.PositiveIntegerField(_("refunded (öre)"), default=0)
    refund_idempotency_key = models.UUIDField(_("refund idempotency key"), null=True,
                                              blank=True, editable=False)
    klarna_refund_id = models.CharField(_("refund id"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return f"{self.order.number}/{self.pk}"

    def amount_ore(self) -> int:
        """The goods' value being returned, incl. VAT."""
        return sum(rl.quantity * rl.order_line.unit_price_ore for rl in self.lines.all())


class ReturnLine(models.Model):
    return_request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE,
                                       related_name="lines", verbose_name=_("return"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("order line"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="return_line_qty_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line_id}"


class CreditNote(AccountingDocument):
    """A correction of a receipt (a credit for returned goods), in its own series."""

    PREFIX = "K-"
    # SET_NULL as for the receipt's order: a credit note issued in a later year outlives
    # the receipt and the return it corrects.
    receipt = models.ForeignKey(Receipt, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="credit_notes", verbose_name=_("receipt"))
    return_request = models.OneToOneField(ReturnRequest, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="credit_note",
                                          verbose_name=_("return"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        indexes = [models.Index(Upper("buyer_email"), name="credit_note_buyer_email_ci")]
