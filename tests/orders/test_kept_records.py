"""Accounting records kept through an erasure are locked to bookkeeping (P32): cut from
every identifier of the buyer, found by no later export, erasure preview, buyer's page or
support search, seen only by bookkeepers, and deleted when their period ends (P23). The
erasure that locks them is all or nothing (P31)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import pre_delete
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.orders.orders_fixtures import address
from tillit.accounts.models import Address
from tillit.cart.models import Cart, CartLine
from tillit.orders import links, services
from tillit.orders.models import CreditNote, ImmutableDocument, Order, Receipt
from tillit.privacy import erasure, erasure_actions, export, retention
from tillit.privacy.datamap import Person, registry
from tillit.privacy.hashing import is_hashed
from tillit.privacy.models import AuditEvent, LegalHold

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
OVERRIDE = "Ordern makulerad per telefon"


@pytest.fixture
def anna_order(place, customer, product, mailoutbox):
    """Anna's order, bought with the e-mail address of her account."""
    order = place([(product, 1)], user=customer,
                  billing=address(email="anna@example.com", given_name="Anna",
                                  family_name="Andersson"))
    mailoutbox.clear()
    return order


def erase_anna(customer):
    return erasure.execute(customer, override_reason=OVERRIDE)


def record_models(data) -> set[str]:
    return {r["model"] for r in data["records"]}


# Locked -------------------------------------------------------------------------------


@pytest.mark.promise("P32.a")
def test_erasure_locks_the_receipt_and_cuts_its_link_to_the_buyer(customer, anna_order):
    issued = Receipt.objects.get(order=anna_order)
    erase_anna(customer)
    kept = Receipt.objects.get(pk=issued.pk)
    assert kept.locked_at is not None
    assert is_hashed(kept.buyer_email) and "anna" not in kept.buyer_email
    assert kept.buyer_email == erasure_actions.erased_hash(registry.get(Receipt), "buyer_email",
                                                   "anna@example.com")
    # The document itself is the record: as issued, name and address included.
    assert (kept.html, kept.data, kept.buyer_name, kept.number) == \
        (issued.html, issued.data, issued.buyer_name, issued.number)
    assert kept.buyer_name == "Anna Andersson"


@pytest.mark.promise("P32.a")
def test_a_new_account_with_the_same_e_mail_does_not_get_the_old_receipt(
        customer, anna_order, make_user):
    assert "orders.Receipt" in record_models(export.collect(customer))
    erase_anna(customer)
    again = make_user(username="anna2", email="anna@example.com", name="Anna Ny")
    for who in (again, Person(email="ANNA@example.com")):  # account, or a verified guest
        data = export.collect(who)
        assert not record_models(data) & {"orders.Receipt", "orders.CreditNote",
                                          "orders.Order", "orders.OrderLine"}
        assert "Anna Andersson" not in str(data) and "Exempelgatan" not in str(data)
        plan = erasure.preview(who)
        assert not plan.kept, plan.kept
    assert Receipt.objects.filter(locked_at__isnull=False).count() == 1


@pytest.mark.promise("P32.a")
def test_a_guests_locked_receipt_is_off_their_old_order_link(client, guest_order):
    token = links.guest_token(guest_order)
    assert client.get(reverse("orders:guest_receipt", args=[token])).status_code == 200
    erasure.execute(Person(email="gast@example.com"), override_reason=OVERRIDE)
    assert Receipt.objects.get(order=guest_order).locked_at is not None
    for name in ("guest_detail", "guest_receipt"):
        assert client.get(reverse(f"orders:{name}", args=[token])).status_code == 404


@pytest.mark.promise("P32.a")
def test_a_locked_receipt_is_not_shown_on_a_buyers_page(customer, anna_order):
    Receipt.objects.filter(order=anna_order).lock_kept(locked_at=timezone.now())
    client = Client()
    client.force_login(customer)
    response = client.get(reverse("orders:receipt", args=[anna_order.number]))
    assert response.status_code == 404


@pytest.mark.promise("P32.a")
def test_a_credit_note_on_a_locked_receipt_is_born_locked(
        customer, anna_order, carriers, clock):
    services.ship_order(anna_order, carrier=carriers["postnord"], tracking_number="AB1SE")
    services.mark_delivered(anna_order)
    ret = services.start_return(anna_order, {anna_order.lines.get().pk: 1})
    erase_anna(customer)  # the return is open: staff override
    services.mark_return_received(ret)
    services.refund_return(ret)
    receipt = Receipt.objects.get(order=anna_order)
    note = CreditNote.objects.get(receipt=receipt)
    assert note.locked_at == receipt.locked_at and note.buyer_email == receipt.buyer_email


# The admin: support staff and bookkeepers ---------------------------------------------


def _staff(make_user, *codenames):
    user = make_user(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="orders", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def support(make_user):
    return _staff(make_user, "view_order", "view_receipt", "view_creditnote")


@pytest.fixture
def bookkeeper(make_user):
    return _staff(make_user, "view_order", "view_receipt", "view_creditnote",
                  "view_kept_accounting_records")


@pytest.mark.promise("P32.a")
def test_support_staff_find_a_locked_receipt_nowhere_in_the_admin(
        support, customer, anna_order, guest_order):
    receipt = Receipt.objects.get(order=anna_order)
    changelist = reverse("admin:orders_receipt_changelist")
    assert receipt.display_number in support.get(changelist).content.decode()
    erase_anna(customer)

    listed = support.get(changelist).content.decode()
    assert receipt.display_number not in listed
    assert Receipt.objects.get(order=guest_order).display_number in listed  # others stay
    for term in ("anna@example.com", "Andersson", str(receipt.number)):
        found = support.get(changelist, {"q": term}).content.decode()
        assert receipt.display_number not in found, term
    document = reverse("admin:orders_receipt_document", args=[receipt.pk])
    assert support.get(document).status_code == 404
    change = support.get(reverse("admin:orders_receipt_change", args=[receipt.pk]))
    assert change.status_code == 302  # the admin's "does not exist"
    order_page = support.get(reverse("admin:orders_order_change", args=[anna_order.pk]))
    assert document not in order_page.content.decode()


@pytest.mark.promise("P32.a", "P33.b")
def test_a_bookkeeper_sees_the_locked_receipt_marked_and_finds_it_by_e_mail(
        bookkeeper, customer, anna_order):
    receipt = Receipt.objects.get(order=anna_order)
    erase_anna(customer)
    changelist = reverse("admin:orders_receipt_changelist")
    assert receipt.display_number in bookkeeper.get(changelist).content.decode()
    found = bookkeeper.get(changelist, {"q": "Anna@Example.com"}).content.decode()
    assert receipt.display_number in found
    document = bookkeeper.get(reverse("admin:orders_receipt_document", args=[receipt.pk]))
    assert document.status_code == 200 and "Anna Andersson" in document.content.decode()
    event = AuditEvent.objects.filter(action="staff_view").latest("pk")
    assert event.detail["locked"] is True and event.subject_ref == ""


# The lock is the one change an issued document takes -----------------------------------


def test_locking_changes_nothing_but_the_stamp_and_the_lookup_e_mail(anna_order):
    receipts = Receipt.objects.filter(order=anna_order)
    with pytest.raises(ImmutableDocument):
        receipts.lock_kept(locked_at=timezone.now(), buyer_name="Someone")
    with pytest.raises(ImmutableDocument):
        receipts.lock_kept(locked_at=timezone.now(), buyer_email="new@example.com")
    with pytest.raises(ImmutableDocument):
        receipts.lock_kept(buyer_email="hmac-sha256:" + "0" * 64)
    assert receipts.lock_kept(locked_at=timezone.now()) == 1
    assert receipts.lock_kept(locked_at=timezone.now()) == 0  # locked once, then never


@pytest.mark.parametrize("sql", [
    # The e-mail may not change without the lock, nor become anything but a hash.
    "UPDATE orders_receipt SET buyer_email = 'x@example.com' WHERE id = %s",
    "UPDATE orders_receipt SET buyer_email = 'hmac-sha256:ab' WHERE id = %s",
    "UPDATE orders_receipt SET locked_at = '2030-01-01 00:00:00+00:00', "
    "buyer_email = 'x@example.com' WHERE id = %s",
    # The lock does not open the rest of the document.
    "UPDATE orders_receipt SET locked_at = '2030-01-01 00:00:00+00:00', "
    "buyer_name = 'Someone' WHERE id = %s",
])
def test_the_database_refuses_every_other_change(anna_order, sql):
    receipt = Receipt.objects.get(order=anna_order)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [receipt.pk])
    receipt.refresh_from_db()
    assert receipt.buyer_email == "anna@example.com" and receipt.locked_at is None


def test_the_database_refuses_any_change_after_the_lock(anna_order):
    receipts = Receipt.objects.filter(order=anna_order)
    receipts.lock_kept(locked_at=timezone.now(), buyer_email="hmac-sha256:" + "a" * 64)
    for sql in ("UPDATE orders_receipt SET locked_at = NULL WHERE id = %s",
                "UPDATE orders_receipt SET buyer_email = 'hmac-sha256:bb' WHERE id = %s"):
        with pytest.raises(DatabaseError, match="never changed"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [receipts.get().pk])
    assert receipts.get().buyer_email == "hmac-sha256:" + "a" * 64


# Deleted when the period ends ---------------------------------------------------------


@pytest.mark.promise("P32.b", "P23.a")
def test_the_sweep_deletes_a_locked_receipt_at_the_end_of_its_period(
        customer, place, product, clock):
    clock(dt.datetime(2026, 6, 15, 12, tzinfo=STOCKHOLM))
    order = place([(product, 1)], user=customer)
    erase_anna(customer)
    receipt = Receipt.objects.get(order=order)
    last_day = registry.get(Receipt).retention.ends_on(timezone.localdate(receipt.issued_at))
    on = dt.datetime.combine(last_day, dt.time(23), tzinfo=STOCKHOLM)
    retention.run(now=on)
    assert Receipt.objects.filter(pk=receipt.pk).exists()
    report = retention.run(now=on + dt.timedelta(hours=2))
    line = {x.model: x for x in report.lines}["orders.Receipt"]
    assert (line.found, line.acted) == (1, 1)
    assert not Receipt.objects.filter(pk=receipt.pk).exists()


@pytest.mark.promise("P18.c")
def test_a_hold_set_after_the_erasure_still_reaches_the_locked_receipt(customer, anna_order):
    """A claim about an old sale can come after the buyer was erased; the hold finds the
    locked record through the keyed hash of the e-mail the claimant gives."""
    erase_anna(customer)
    LegalHold.objects.create(email="anna@example.com", reason="Tvist om köpet")
    receipt = Receipt.objects.get(order=anna_order)
    after = timezone.now() + dt.timedelta(days=365 * 9)
    line = {x.model: x for x in retention.run(now=after).lines}["orders.Receipt"]
    assert (line.found, line.held) == (1, 1)
    assert Receipt.objects.filter(pk=receipt.pk).exists()


# All or nothing -----------------------------------------------------------------------


@pytest.fixture
def fail_on_delete():
    """``fail_on_delete(model)``: deleting a row of ``model`` raises, as a crash would."""
    connected = []

    def arm(model):
        def crash(sender, **kwargs):
            raise RuntimeError(f"disk full while deleting {sender._meta.label}")

        pre_delete.connect(crash, sender=model, weak=False)
        connected.append((crash, model))

    yield arm
    for receiver, model in connected:
        pre_delete.disconnect(receiver, sender=model)


@pytest.mark.promise("P31.a")
@pytest.mark.parametrize("failing", [Cart, "account"], ids=["mid-way", "at-the-end"])
def test_a_failure_inside_a_later_declarations_action_leaves_everything_unchanged(
        customer, anna_order, product, fail_on_delete, failing):
    """By the time the cart (or, last of all, the account) is deleted, the receipt has been
    locked, the order anonymised and the address deleted; all of it must be undone."""
    Address.objects.create(user=customer, name="Anna Andersson", street="Hemvägen 2",
                           postal_code="123 45", city="Hemby")
    CartLine.objects.create(cart=Cart.objects.create(user=customer), product=product,
                            quantity=1)
    fail_on_delete(type(customer) if failing == "account" else failing)
    with pytest.raises(RuntimeError, match="disk full"):
        erase_anna(customer)
    receipt = Receipt.objects.get(order=anna_order)
    assert receipt.locked_at is None and receipt.buyer_email == "anna@example.com"
    order = Order.objects.get(pk=anna_order.pk)
    assert (order.user, order.email, order.billing_name) == \
        (customer, "anna@example.com", "Anna Andersson")
    assert Address.objects.filter(user=customer).count() == 1
    assert Cart.objects.filter(user=customer).exists()
    assert type(customer).objects.filter(pk=customer.pk).exists()
    assert not AuditEvent.objects.filter(action="erasure").exists()


# What mutation testing found no test noticed (issue 16 §7) ------------------------------


@pytest.mark.promise("P32.a")
def test_the_preview_keeps_the_records_until_the_latest_ones_period_ends(
        customer, place, product, clock):
    """Two receipts from different years: the preview names the end of the later one's
    period, the one that really ends the keeping."""
    clock(dt.datetime(2024, 3, 1, 12, tzinfo=STOCKHOLM))
    place([(product, 1)], user=customer)
    clock(dt.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM))
    place([(product, 1)], user=customer)
    [step] = [s for s in erasure.preview(customer).kept if s.model == "orders.Receipt"]
    assert step.count == 2
    assert step.until == dt.date(2033, 12, 31)  # FY 2026 + 7 years, end of that year


@pytest.mark.promise("P31.c")
def test_an_erasure_tells_recipients_but_never_an_authority(customer, anna_order):
    from tillit.privacy.ledger import record_disclosure
    from tillit.privacy.models import RecipientNotice

    record_disclosure(user=customer, recipient_kind="payment_provider", recipient="Kustom",
                      categories=["user.name"], purpose="essential.service.payment_processing",
                      legal_basis="contract", reference=anna_order.klarna_order_id)
    record_disclosure(user=customer, recipient_kind="authority", recipient="Polismyndigheten",
                      categories=["user.name"], purpose="essential.legal_obligation",
                      legal_basis="legal_obligation", legal_ground="RB 27 kap.")
    erase_anna(customer)
    told = set(RecipientNotice.objects.values_list("recipient_kind", flat=True))
    assert "payment_provider" in told and "authority" not in told
