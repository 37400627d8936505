"""What the emulated provider stores: checkout orders (which become placed orders once the
buyer confirms), and their captures and refunds.

These rows stand in for the provider's own database, in the demo and tests only. They hold
what the buyer types into the emulated checkout (e-mail, name, address, phone), so they are
in the data map (``privacy.py``) with a short life: ``forget_at`` is 48 hours after an
unfinished checkout was opened, and 30 days after the last change of a placed order.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Upper


def new_id() -> str:
    return str(uuid.uuid4())


class EmulatedOrder(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "checkout_incomplete", "checkout_incomplete"
        COMPLETE = "checkout_complete", "checkout_complete"

    class PlacedStatus(models.TextChoices):
        AUTHORIZED = "AUTHORIZED", "AUTHORIZED"
        PART_CAPTURED = "PART_CAPTURED", "PART_CAPTURED"
        CAPTURED = "CAPTURED", "CAPTURED"
        CANCELLED = "CANCELLED", "CANCELLED"

    order_id = models.CharField(max_length=36, unique=True, default=new_id)
    status = models.CharField(max_length=30, choices=Status.choices,
                              default=Status.INCOMPLETE)
    placed_status = models.CharField(max_length=20, choices=PlacedStatus.choices, blank=True)
    fraud_status = models.CharField(max_length=20, blank=True)

    purchase_country = models.CharField(max_length=2)
    purchase_currency = models.CharField(max_length=3)
    locale = models.CharField(max_length=10)
    order_amount = models.BigIntegerField()
    order_tax_amount = models.BigIntegerField()
    order_lines = models.JSONField(default=list)
    merchant_urls = models.JSONField(default=dict)
    # ``options.additional_checkboxes`` of the merchant's body (id, text, checked,
    # required), shown to the buyer; their answers come back in ``merchant_requested``.
    options = models.JSONField(default=dict)
    merchant_requested = models.JSONField(default=dict)
    merchant_reference1 = models.CharField(max_length=255, blank=True)
    merchant_reference2 = models.CharField(max_length=255, blank=True)
    merchant_host = models.CharField(max_length=255, blank=True,
                                     help_text="Scheme and host the merchant called, for "
                                               "the snippet's iframe.")

    # What the buyer gives in the emulated checkout.
    email = models.EmailField(blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="SE")
    phone = models.CharField(max_length=30, blank=True)
    # A company buyer (Klarna Checkout's B2B: customer.type "organization").
    customer_type = models.CharField(max_length=20, default="person")
    organization_name = models.CharField(max_length=200, blank=True)
    organization_registration_id = models.CharField(max_length=20, blank=True)
    vat_id = models.CharField(max_length=20, blank=True)
    payment_method = models.CharField(max_length=20, blank=True)

    captured_amount = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="An unfinished checkout expires then.")
    completed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    forget_at = models.DateTimeField(db_index=True,
                                     help_text="The row is deleted after this moment.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "emulated Klarna order"
        # The rights (export, erasure) find a person's rows by e-mail, case-insensitively.
        indexes = [models.Index(Upper("email"), name="emulated_order_email_ci")]

    def __str__(self) -> str:
        return self.order_id

    @property
    def remaining_authorized_amount(self) -> int:
        if self.placed_status == self.PlacedStatus.CANCELLED:
            return 0
        return self.order_amount - self.captured_amount

    @property
    def refundable_amount(self) -> int:
        return self.captured_amount - self.refunded_amount


class EmulatedCapture(models.Model):
    order = models.ForeignKey(EmulatedOrder, on_delete=models.CASCADE, related_name="captures")
    capture_id = models.CharField(max_length=36, unique=True, default=new_id)
    captured_amount = models.BigIntegerField()
    description = models.CharField(max_length=255, blank=True)
    order_lines = models.JSONField(default=list)
    shipping_info = models.JSONField(default=list)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    captured_at = models.DateTimeField()

    class Meta:
        ordering = ["captured_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "idempotency_key"],
                                               name="emulated_capture_idempotent")]

    def __str__(self) -> str:
        return self.capture_id


class EmulatedRefund(models.Model):
    order = models.ForeignKey(EmulatedOrder, on_delete=models.CASCADE, related_name="refunds")
    refund_id = models.CharField(max_length=36, unique=True, default=new_id)
    refunded_amount = models.BigIntegerField()
    description = models.CharField(max_length=255, blank=True)
    order_lines = models.JSONField(default=list)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    refunded_at = models.DateTimeField()

    class Meta:
        ordering = ["refunded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "idempotency_key"],
                                               name="emulated_refund_idempotent")]

    def __str__(self) -> str:
        return self.refund_id
