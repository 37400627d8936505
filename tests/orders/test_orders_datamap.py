"""What the data map says about orders and their accounting records (P17, P23, P32)."""

import datetime as dt

import pytest

from tillit.orders.models import CreditNote, Order, OrderLine, Receipt, ReturnRequest
from tillit.privacy import datamap as dm
from tillit.privacy.datamap import registry


@pytest.mark.parametrize("model", [Receipt, CreditNote])
def test_receipts_are_kept_for_the_accounting_period_and_through_erasure(model):
    declaration = registry.get(model)
    assert isinstance(declaration.retention, dm.AccountingPeriod)
    assert declaration.retention.anchor == "issued_at" and declaration.retention.years == 7
    assert isinstance(declaration.on_erasure, dm.Keep)
    assert declaration.on_erasure.basis == dm.LEGAL_OBLIGATION
    assert any(use.basis == dm.LEGAL_OBLIGATION and use.purpose == "essential.legal_obligation"
               for use in declaration.uses)


def test_a_receipt_dated_1_march_2026_is_kept_until_the_end_of_2033():
    rule = registry.get(Receipt).retention
    assert rule.ends_on(dt.date(2026, 3, 1)) == dt.date(2033, 12, 31)
    assert rule.ends_on(dt.date(2026, 12, 31)) == dt.date(2033, 12, 31)


@pytest.mark.django_db
def test_the_sweep_rule_releases_receipts_only_after_their_period(customer_order):
    rule = registry.get(Receipt).retention
    issued = customer_order.receipt.issued_at
    receipts = Receipt.objects.all()
    end = dt.datetime(issued.year + 7, 12, 31, 12, tzinfo=dt.UTC)
    after = dt.datetime(issued.year + 8, 1, 2, 12, tzinfo=dt.UTC)
    assert not rule.expired(receipts, now=end).exists()
    assert rule.expired(receipts, now=after).exists()


def test_erasing_a_buyer_clears_the_orders_contact_details_but_keeps_the_sale():
    declaration = registry.get(Order)
    assert isinstance(declaration.on_erasure, dm.Anonymise)
    cleared = set(declaration.on_erasure.clear) | set(declaration.on_erasure.hash)
    assert {"user", "email", "billing_name", "billing_street", "shipping_name",
            "shipping_street", "billing_phone", "shipping_phone", "buyer_ip"} <= cleared
    assert not cleared & {"number", "total_ore", "placed_at"}
    assert isinstance(registry.get(OrderLine).on_erasure, dm.Keep)


def test_the_buyers_ip_is_kept_raw_for_a_short_time_then_hashed():
    rule = registry.get(Order).fields["buyer_ip"].hash_after
    assert rule is not None and rule.anchor == "placed_at" and rule.days <= 90


@pytest.mark.parametrize("model", [Order, Receipt])
def test_order_mails_are_declared_as_contract_communication(model):
    uses = registry.get(model).uses
    assert any(use.purpose == "essential.service.notifications" and use.basis == dm.CONTRACT
               for use in uses)


def test_delivering_and_returning_is_declared_as_contract():
    for model in (Order, ReturnRequest):
        uses = registry.get(model).uses
        assert any(u.purpose == "essential.service" and u.basis == dm.CONTRACT for u in uses)


def test_the_carrier_may_receive_only_the_delivery_fields():
    from tillit.shipping.export import SOURCE_FIELDS

    allowed = set(registry.get(Order).recipients["carrier"])
    assert set(SOURCE_FIELDS.values()) <= allowed
    assert not allowed & {"billing_street", "billing_name", "total_ore", "buyer_ip",
                          "billing_org_nr"}
