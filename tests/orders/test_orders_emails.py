"""The order e-mails (P17): confirmation with the receipt, shipped with the tracking link,
refunded with the credit note; each with the controller's identity (P03), in the buyer's
language."""

import pytest
from django.conf import settings
from django.utils import timezone

from tests.orders.orders_fixtures import address
from tillit.orders import services

pytestmark = pytest.mark.django_db


def _bodies(message):
    html = [content for content, mime in message.alternatives if mime == "text/html"]
    return [message.body, *html]


@pytest.mark.promise("P03.a", "P17.a")
def test_the_confirmation_carries_the_receipt_and_the_controller(place, product, mailoutbox):
    order = place([(product, 2)], billing=address(email="gast@example.com"))
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["gast@example.com"]
    assert str(order.number) in message.subject
    controller = settings.TILLIT_CONTROLLER
    for body in _bodies(message):
        assert controller["name"] in body and controller["org_nr"] in body
        assert str(order.number) in body
    (filename, content, mimetype), (terms_name, _terms, terms_type) = message.attachments
    assert filename == f"R-{order.receipt.number}.html" and mimetype == "text/html"
    assert content == order.receipt.html
    assert (terms_name, terms_type) == ("kopvillkor.html", "text/html")  # the terms too
    # A guest gets the signed link to follow the order.
    assert "/order/" in message.body


@pytest.mark.promise("P17.a")
def test_a_customers_confirmation_links_to_the_account_page(place, product, customer,
                                                            mailoutbox):
    order = place([(product, 1)], user=customer)
    assert f"/konto/ordrar/{order.number}/" in mailoutbox[0].body


def test_the_confirmation_is_in_english_when_the_buyer_chose_english(place, product,
                                                                     mailoutbox):
    place([(product, 1)], locale="en")
    message = mailoutbox[0]
    assert "Thank you for your order" in message.body
    assert "Total incl. VAT" in message.body
    assert "/en/order/" in message.body


def test_the_confirmation_is_swedish_by_default(place, product, mailoutbox):
    place([(product, 1)])
    body = mailoutbox[0].body
    assert "Totalt inkl. moms" in body and "Total incl. VAT" not in body
    assert "/en/" not in body


def test_a_failed_confirmation_is_sent_on_the_next_push(product, fake_klarna, mailoutbox,
                                                        monkeypatch):
    from tests.orders.orders_fixtures import checkout, klarna_line, klarna_order
    from tillit.orders import notifications

    data = klarna_order([klarna_line(product, 1)])
    real = notifications.send_confirmation

    def broken(order):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(notifications, "send_confirmation", broken)
    order = services.place_order_from_klarna(data, checkout=checkout())
    order.refresh_from_db()
    assert order.confirmation_sent_at is None and mailoutbox == []
    monkeypatch.setattr(notifications, "send_confirmation", real)
    services.place_order_from_klarna(data, checkout=checkout())
    services.place_order_from_klarna(data, checkout=checkout())
    assert len(mailoutbox) == 1


@pytest.mark.promise("P02.a", "P03.a", "P17.a")
def test_the_shipped_mail_has_the_tracking_link(customer_order, carriers, mailoutbox):
    services.ship_order(customer_order, carrier=carriers["bring"],
                        tracking_number="70701234567890")
    [message] = mailoutbox
    link = "https://tracking.bring.se/tracking/70701234567890"
    for body in _bodies(message):
        assert link in body
        assert settings.TILLIT_CONTROLLER["org_nr"] in body


@pytest.mark.promise("P17.a")
def test_the_shipped_mail_is_the_dispatch_notice_with_the_date_of_supply(customer_order,
                                                                         carriers,
                                                                         mailoutbox):
    order = services.ship_order(customer_order, carrier=carriers["postnord"],
                                tracking_number="00370712345")

    [message] = mailoutbox
    shipped_on = timezone.localdate(order.shipped_at).isoformat()
    for body in _bodies(message):
        assert f"Skickad {shipped_on}" in body
        assert order.receipt.display_number in body


@pytest.mark.promise("P03.a", "P17.a")
def test_the_refund_mail_has_the_amount_and_the_credit_note(customer_order, carriers,
                                                           mailoutbox):
    services.ship_order(customer_order, carrier=carriers["postnord"],
                        tracking_number="ABC12345SE")
    services.mark_delivered(customer_order, when=timezone.now())
    book = customer_order.lines.get(name="Ljudboken")
    ret = services.start_return(customer_order, {book.pk: 1})
    services.mark_return_received(ret)
    mailoutbox.clear()
    note = services.refund_return(ret)
    [message] = mailoutbox
    assert "349" in message.body  # 349 kr refunded
    assert message.attachments[0][0] == f"K-{note.number}.html"
    for body in _bodies(message):
        assert settings.TILLIT_CONTROLLER["name"] in body
