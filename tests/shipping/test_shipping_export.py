"""The carrier export: one CSV per carrier in the documented layout, only the fields the
carrier needs, and one disclosure-ledger entry per order (P25)."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.orders.orders_fixtures import address
from tillit.orders import carrier_export as export
from tillit.orders import services
from tillit.orders.models import Order
from tillit.privacy.models import Disclosure
from tillit.shipping import export as carrier_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def packed(place, make_product, carriers, customer):
    product = make_product(stock=20)
    a = place([(product, 1)], user=customer,
              shipping=address(given_name="Anna", family_name="Andersson",
                               street_address="Storgatan 1", postal_code="111 22",
                               city="Stockholm", phone="+46 70 111 22 33",
                               organization_name="Ljud; & Bild AB"))
    b = place([(product, 2)], billing=address(email="gast@example.com", phone="08-555 000"),
              shipping=address(given_name="=HYPERLINK(\"x\")", family_name="Gäst",
                               street_address="Byvägen 3", phone=""))
    c = place([(product, 1)])
    services.mark_packed(a, carrier=carriers["postnord"])
    services.mark_packed(b, carrier=carriers["postnord"])
    services.mark_packed(c, carrier=carriers["dhl"])
    return a, b, c


def _rows(content: str):
    return list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))


def test_the_export_writes_the_documented_layout_per_carrier(packed, carriers):
    a, b, c = packed
    files = {f.carrier.code: f for f in export.export(list(export.ready_to_ship()))}
    assert set(files) == {"postnord", "dhl"}
    postnord = files["postnord"]
    assert postnord.filename.startswith("postnord-") and postnord.filename.endswith(".csv")
    assert postnord.content.endswith("\r\n") and postnord.data.decode("utf-8")
    rows = _rows(postnord.content)
    assert rows[0] == ["order_number", "name", "company", "street", "street2", "postal_code",
                       "city", "country", "phone", "email"]
    assert rows[1] == [str(a.number), "Anna Andersson", "Ljud; & Bild AB", "Storgatan 1", "",
                       "111 22", "Stockholm", "SE", "+46 70 111 22 33", a.email]
    # A would-be formula is defused; the phone falls back to the billing phone.
    assert rows[2][1] == "'=HYPERLINK(\"x\") Gäst"
    assert rows[2][8] == "08-555 000" and rows[2][9] == "gast@example.com"
    assert len(rows) == 3
    assert _rows(files["dhl"].content)[1][0] == str(c.number)
    # Nothing else leaves: no prices, no goods, no billing address.
    assert all(len(row) == len(carrier_file.COLUMNS) for row in rows)
    assert "Mullsjö" not in postnord.content.split("\r\n")[1]  # a's billing city


def test_every_exported_order_gets_one_disclosure_with_the_categories_sent(packed):
    a, b, c = packed
    export.export(list(export.ready_to_ship()))
    entries = {d.reference: d for d in Disclosure.objects.all()}
    assert set(entries) == {str(a.number), str(b.number), str(c.number)}
    assert Disclosure.objects.count() == 3
    first = entries[str(a.number)]
    assert first.recipient_kind == "carrier" and first.recipient == "PostNord"
    assert first.user == a.user and first.email == a.email
    assert first.purpose == "essential.service" and first.legal_basis == "contract"
    assert first.categories == sorted([
        "user.name", "user.workplace", "user.contact.address.street",
        "user.contact.address.postal_code", "user.contact.address.city",
        "user.contact.address.country", "user.contact.phone_number", "user.contact.email",
        "user.behavior.purchase_history"])
    # No company sent for the guest, so no company category.
    assert "user.workplace" not in entries[str(b.number)].categories
    assert entries[str(c.number)].recipient == "DHL"


def test_exported_orders_are_not_exported_again_unless_asked(packed):
    export.export(list(export.ready_to_ship()))
    assert list(export.ready_to_ship()) == []
    assert len(list(export.ready_to_ship(include_exported=True))) == 3
    assert Order.objects.filter(exported_at__isnull=False).count() == 3


@pytest.fixture
def kept(settings, tmp_path):
    """The declared folder of carrier files, for this test."""
    settings.TILLIT_CARRIER_FILES_DIR = tmp_path / "carrier-files"
    return settings.TILLIT_CARRIER_FILES_DIR


def test_the_command_writes_one_file_per_carrier(packed, carriers, kept):
    out = io.StringIO()
    call_command("shipping", "export", stdout=out)
    names = sorted(p.name for p in kept.iterdir())
    assert len(names) == 2 and names[0].startswith("dhl-") and names[1].startswith("postnord-")
    postnord = (kept / names[1]).read_bytes().decode("utf-8")
    assert len(_rows(postnord)) == 3
    assert Disclosure.objects.filter(recipient_kind="carrier").count() == 3
    assert "2 order(s) for PostNord" in out.getvalue()


def test_the_command_filters_by_carrier(packed, kept):
    call_command("shipping", "export", "--carrier", "dhl", "--out", str(kept),
                 stdout=io.StringIO())
    assert [p.name.split("-")[0] for p in kept.iterdir()] == ["dhl"]
    assert Disclosure.objects.count() == 1


def test_the_command_refuses_an_unknown_carrier_or_another_folder(packed, kept, tmp_path):
    with pytest.raises(CommandError):
        call_command("shipping", "export", "--carrier", "zeppelin")
    with pytest.raises(CommandError, match="kept only in"):
        call_command("shipping", "export", "--out", str(tmp_path / "elsewhere"))
    with pytest.raises(CommandError, match="--carrier"):
        call_command("shipping", "export", "--out", "-")
    assert not Disclosure.objects.exists()
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.promise("P25.a")
def test_a_file_streamed_to_standard_output_leaves_no_copy(packed, kept):
    out = io.StringIO()
    call_command("shipping", "export", "--carrier", "postnord", "--out", "-", stdout=out)
    assert len(_rows(out.getvalue())) == 3
    assert not kept.exists() or list(kept.iterdir()) == []
    assert Disclosure.objects.filter(recipient_kind="carrier").count() == 2


@pytest.mark.promise("P23.a")
def test_the_nightly_sweep_deletes_carrier_files_after_their_days(packed, kept):
    import os

    from tillit.orders.privacy import CARRIER_FILE_DAYS
    from tillit.privacy import retention

    call_command("shipping", "export", stdout=io.StringIO())
    files = sorted(kept.iterdir())
    old = files[0]
    aged = (timezone.now() - dt.timedelta(days=CARRIER_FILE_DAYS, hours=1)).timestamp()
    os.utime(old, (aged, aged))
    assert retention.run(dry_run=True).passes["carrier files"] == 1 and old.exists()
    assert retention.run().passes["carrier files"] == 1
    assert sorted(kept.iterdir()) == files[1:]


def test_with_nothing_packed_no_file_and_no_disclosure(carriers, kept):
    out = io.StringIO()
    call_command("shipping", "export", stdout=out)
    assert list(kept.iterdir()) == [] and not Disclosure.objects.exists()
    assert "No packed orders" in out.getvalue()


def test_the_admin_action_downloads_a_zip_and_records_who_exported(packed, staff_client):
    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "export_for_carriers",
        ACTION_CHECKBOX_NAME: [o.pk for o in packed]})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(n.split("-")[0] for n in archive.namelist()) == ["dhl", "postnord"]
    assert Disclosure.objects.count() == 3
    assert set(Disclosure.objects.values_list("recorded_by", flat=True)) == {
        staff_client.staff.pk}


def test_the_admin_action_gives_a_single_csv_for_one_carrier(packed, staff_client):
    response = staff_client.post(reverse("admin:orders_order_changelist"), {
        "action": "export_for_carriers", ACTION_CHECKBOX_NAME: [packed[2].pk]})
    assert response["Content-Type"].startswith("text/csv")
    assert _rows(response.content.decode("utf-8"))[1][0] == str(packed[2].number)


def test_an_order_whose_buyer_was_erased_is_not_sent_to_a_carrier(packed, customer):
    """Staff erased the buyer of a packed order (override): the delivery details are gone
    and only a keyed hash of the address is left, so nothing of it goes to a carrier."""
    from tillit.privacy import erasure

    erasure.execute(customer, override_reason="Avbeställt per telefon före leverans")
    a, b, c = packed
    assert {o.pk for o in export.ready_to_ship()} == {b.pk, c.pk}
    a.refresh_from_db()
    assert carrier_file.row_for(a)["email"] == ""
