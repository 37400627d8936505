"""The admin is the shop's own and speaks Swedish (issue 11 §9): its header names the shop,
and the libraries' apps and models (two-step verification, background tasks) have Swedish
names; the customer's pages say "beställning", not "order"."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_admin_names_the_shop_and_every_app_in_swedish(staff_client, settings):
    page = staff_client.get(reverse("admin:index")).content.decode()
    shop = settings.TILLIT_CONTROLLER["shop_name"]
    assert f"{shop} – administration" in page
    for english in ("Django-administration", "Django administration", "TOTP devices",
                    "Task Results", "Tasks Database Backend", "Otp_Totp"):
        assert english not in page, english
    for swedish in ("Tvåstegsverifiering", "Autentiseringsappar (TOTP)", "Bakgrundsjobb",
                    "Jobbresultat"):
        assert swedish in page, swedish


def test_customers_read_bestallning_not_order(client, customer, customer_order):
    client.force_login(customer)
    header = client.get("/").content.decode()
    assert "Mina beställningar" in header and "Mina ordrar" not in header
    listing = client.get(reverse("orders:list")).content.decode()
    assert "Beställning" in listing
    detail = client.get(reverse("orders:detail", args=[customer_order.number])).content.decode()
    assert f"Beställning {customer_order.number}" in detail
    assert "Alla mina beställningar" in detail
