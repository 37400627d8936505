"""Receipts and credit notes as accounting records: the content of a full invoice under
mervärdesskattelag (2023:200) 17 kap. (P01, P03), gapless numbers, and never changed."""

import threading

import pytest
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from tests.orders.orders_fixtures import address, klarna_line
from tillit.core.money import format_sek
from tillit.orders import numbering
from tillit.orders.models import ImmutableDocument, NumberSeries, Receipt

pytestmark = pytest.mark.django_db


@pytest.mark.promise("P01.b", "P03.a")
def test_the_receipt_holds_every_field_of_a_full_invoice(customer_order):
    receipt = customer_order.receipt
    doc = receipt.data
    controller = settings.TILLIT_CONTROLLER
    # Issue date and a sequential number.
    assert doc["issue_date"] == timezone.localdate(receipt.issued_at).isoformat()
    assert doc["number"] == receipt.number and doc["display_number"] == f"R-{receipt.number}"
    # The seller: name, address, org.nr, VAT number.
    for key in ("name", "street", "postal_code", "city", "org_nr", "vat_number"):
        assert doc["seller"][key] == controller[key]
    # The buyer's name and address.
    assert doc["buyer"]["name"] == "Kim Kund"
    assert doc["buyer"]["street"] == "Exempelgatan 1" and doc["buyer"]["city"] == "Mullsjö"
    # Quantity and kind of goods.
    assert [(li["name"], li["quantity"]) for li in doc["lines"]] == [("Mixer", 1),
                                                                     ("Ljudboken", 2)]
    # The date of supply: the goods are not dispatched yet, so no date is claimed; the
    # receipt says where it will be given.
    assert doc["supply_date"] is None and doc["supply_at_dispatch"] is True
    # Taxable amount, rate and VAT per rate, and the total (P01).
    assert doc["vat"] == [
        {"rate_bp": 2500, "gross_ore": 129900, "vat_ore": 25980, "net_ore": 103920},
        {"rate_bp": 600, "gross_ore": 69800, "vat_ore": 3951, "net_ore": 65849},
    ]
    assert doc["total_ore"] == 199700 == customer_order.total_ore
    assert doc["total_vat_ore"] == 25980 + 3951
    # How it was paid.
    assert doc["payment_method"]
    # And the stored HTML shows the same.
    html = receipt.html
    for text in (controller["name"], controller["org_nr"], controller["vat_number"],
                 controller["street"], "Kim Kund", "Exempelgatan 1", "Mixer", "Ljudboken",
                 doc["issue_date"], f"R-{receipt.number}", doc["payment_method"],
                 format_sek(25980), format_sek(3951), format_sek(199700), format_sek(103920)):
        assert text in html, text
    assert 'data-vat-rate="600"' in html and 'data-vat-rate="2500"' in html


@pytest.mark.promise("P01.b")
def test_each_line_shows_its_unit_price_excluding_vat_and_nothing_claims_it_is_paid(
        customer_order):
    """ML 17 kap. 24 §: the unit price excluding VAT; and the receipt is issued when the
    order is placed, before the amount is charged, so it does not say "paid"."""
    receipt = customer_order.receipt
    mixer, book = receipt.data["lines"]
    assert (mixer["unit_price_ore"], mixer["unit_net_ore"]) == (129900, 103920)
    assert (book["unit_price_ore"], book["unit_net_ore"]) == (34900, 34900 - 1975)
    assert f'data-unit-net>{format_sek(103920)}' in receipt.html
    assert f'data-unit-net>{format_sek(32925)}' in receipt.html
    text = receipt.html.lower()
    assert "betald" not in text and "betalt" not in text
    assert "dras när vi skickar din beställning" in text


def test_a_company_buyers_receipt_carries_its_org_nr(place, product, make_user):
    buyer = make_user(company="Ljudfirman AB", org_nr="556677-8899")
    order = place([(product, 1)], user=buyer,
                  billing=address(organization_name="Ljudfirman AB"))
    assert order.receipt.data["buyer"]["org_nr"] == "556677-8899"
    assert "556677-8899" in order.receipt.html and "Ljudfirman AB" in order.receipt.html


def _supply_cell(html: str) -> str:
    return html.split('data-field="supply_date">', 1)[1].split("</td>", 1)[0]


def test_a_receipt_for_goods_claims_no_delivery_date_before_dispatch(customer_order):
    doc = customer_order.receipt.data

    cell = _supply_cell(customer_order.receipt.html)

    assert doc["order_date"] not in cell
    assert "skickas" in cell and "avisering" in cell


def test_licences_and_cloud_services_are_supplied_on_the_issue_date(place, make_product):
    licence = make_product(name="Mixplugin licens", kind="licence", vat_rate=2500)

    order = place([], extra_lines=[klarna_line(licence, kind="digital")])

    doc = order.receipt.data
    assert doc["supply_date"] == doc["issue_date"]
    assert _supply_cell(order.receipt.html) == doc["issue_date"]


def test_a_receipt_with_goods_and_a_licence_dates_the_licence_only(place, product,
                                                                    make_product):
    licence = make_product(name="Mixplugin licens", kind="licence")

    order = place([(product, 1)], extra_lines=[klarna_line(licence, kind="digital")])

    doc = order.receipt.data
    assert doc["supply_date"] is None
    assert doc["digital_supply_date"] == doc["issue_date"]
    assert doc["issue_date"] in _supply_cell(order.receipt.html)


COMPANY = {"type": "organization", "organization_registration_id": "556677-8899",
           "vat_id": "se 5566 7788 9901"}


def test_a_company_buyers_receipt_carries_the_vat_number_the_provider_gave(place, product):
    order = place([(product, 1)], billing=address(organization_name="Ljudfirman AB"),
                  customer=COMPANY)

    assert order.billing_vat_number == "SE556677889901"
    assert order.receipt.data["buyer"]["vat_number"] == "SE556677889901"
    assert order.receipt.data["buyer"]["org_nr"] == "556677-8899"
    vat = order.receipt.html.split('data-field="buyer_vat_number">', 1)[1]
    assert vat.startswith("SE556677889901<")


@pytest.mark.parametrize("customer", [
    {**COMPANY, "vat_id": "not a VAT number"}, {**COMPANY, "vat_id": 556677889901},
    {**COMPANY, "vat_id": "SE5566778899"},
    {"type": "organization"}, "organization"])
def test_a_missing_or_malformed_vat_number_is_left_off_and_the_order_placed(place, product,
                                                                           customer):
    order = place([(product, 1)], billing=address(organization_name="Ljudfirman AB"),
                  customer=customer)

    assert order.billing_vat_number == ""
    assert 'data-field="buyer_vat_number"' not in order.receipt.html


def test_a_private_buyer_gets_no_company_numbers(place, product):
    order = place([(product, 1)], customer=COMPANY)  # no company in the address

    assert (order.billing_org_nr, order.billing_vat_number) == ("", "")


def test_the_receipt_keeps_the_seller_as_it_was_when_issued(customer_order):
    street = settings.TILLIT_CONTROLLER["street"]
    changed = {**settings.TILLIT_CONTROLLER, "street": "Nya gatan 2"}
    with override_settings(TILLIT_CONTROLLER=changed):
        receipt = Receipt.objects.get(pk=customer_order.receipt.pk)
        assert receipt.data["seller"]["street"] == street
        assert street in receipt.html and "Nya gatan 2" not in receipt.html


def test_an_issued_receipt_cannot_be_saved_again(customer_order):
    receipt = customer_order.receipt
    receipt.buyer_name = "Someone Else"
    with pytest.raises(ImmutableDocument):
        receipt.save()
    with pytest.raises(ImmutableDocument):
        Receipt.objects.filter(pk=receipt.pk).update(total_ore=1)
    receipt.refresh_from_db()
    assert receipt.buyer_name == "Kim Kund"


def test_the_database_refuses_an_update_that_goes_around_the_model(customer_order):
    receipt = customer_order.receipt
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE orders_receipt SET total_ore = 1 WHERE id = %s", [receipt.pk])
    receipt.refresh_from_db()
    assert receipt.total_ore == 199700


def test_the_database_refuses_moving_a_receipt_to_another_order(customer_order, place,
                                                               product):
    other = place([(product, 1)])
    receipt = customer_order.receipt
    Receipt.objects.filter(pk=other.receipt.pk).delete()  # free the other order's slot
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE orders_receipt SET order_id = %s WHERE id = %s",
                       [other.pk, receipt.pk])
    receipt.refresh_from_db()
    assert receipt.order_id == customer_order.pk


def test_receipt_numbers_run_without_gaps(place, make_product):
    product = make_product(stock=50)
    numbers = [place([(product, 1)]).receipt.number for _ in range(5)]
    assert numbers == list(range(numbers[0], numbers[0] + 5))


def test_a_rolled_back_transaction_gives_its_number_back(db):
    with transaction.atomic():
        first = numbering.next_number(numbering.RECEIPT)
    with pytest.raises(IntegrityError), transaction.atomic():
        numbering.next_number(numbering.RECEIPT)
        raise IntegrityError("the receipt could not be written")
    with transaction.atomic():
        assert numbering.next_number(numbering.RECEIPT) == first + 1


@pytest.mark.django_db(transaction=True)
def test_numbers_are_taken_only_inside_a_transaction():
    with pytest.raises(RuntimeError):
        numbering.next_number(numbering.RECEIPT)


def test_orders_start_at_100001(db):
    with transaction.atomic():
        assert numbering.next_number(numbering.ORDER) == 100001


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers and cannot show row locking")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers_without_gaps():
    start = threading.Barrier(8)
    taken, errors = [], []

    def take(fail: bool):
        try:
            start.wait()
            with transaction.atomic():
                number = numbering.next_number(numbering.RECEIPT)
                if fail:
                    raise IntegrityError("rolled back")
                taken.append(number)
        except IntegrityError:
            pass
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(i % 3 == 0,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(taken) == list(range(1, len(taken) + 1))  # no gap, no duplicate
    assert NumberSeries.objects.get(key=numbering.RECEIPT).last_number == len(taken)


def test_the_receipts_headings_are_capitalised_and_speak_of_a_bestallning(customer_order):
    """One source string serves a heading and a word inside a sentence: the receipt's
    headings have their own (pgettext), so none starts in lower case."""
    import re

    headings = re.findall(r"<(?:th|h1|h2)[^>]*>(.*?)</(?:th|h1|h2)>", customer_order.receipt.html)
    assert headings and all(h[:1] == h[:1].upper() for h in headings), headings
    assert "Momssats" in headings and "Beställningsnummer" in headings
