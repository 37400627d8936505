"""The demo orders: loaded for the demo customer, once, without calling the provider."""

import pytest
from django.urls import reverse

from tillit.accounts import demo as accounts_demo
from tillit.catalog import demo as catalog_demo
from tillit.orders import demo
from tillit.orders.models import Order, Receipt

pytestmark = pytest.mark.django_db


def test_the_demo_orders_load_once_and_show_tracking_and_returns(client, fake_klarna,
                                                                 mailoutbox):
    catalog_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()
    orders = Order.objects.filter(user__username="kund").order_by("number")
    assert [o.status for o in orders] == [Order.Status.DELIVERED, Order.Status.SHIPPED]
    assert Receipt.objects.count() == 2
    assert fake_klarna.calls == [] and mailoutbox == []
    client.force_login(orders[0].user)
    page = client.get(reverse("orders:detail", args=[orders[0].number])).content.decode()
    assert "tracking.postnord.com" in page and "data-start-return" in page
