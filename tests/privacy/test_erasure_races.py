"""An erasure and the person's own requests at the same moment (issue 16 §4; P31.a).

Staff erase a customer while the customer adds to the cart: on PostgreSQL the erasure used
to lock the cart's lines, then the cart, while the customer's request held the cart and
wanted a line, and the database killed one of them (a deadlock: staff got a 500, the
customer a 500 or a 400). The erasure now locks the person's rows in the order the shop's
own writes do, and a request whose session or account vanished under it is logged out
with a message instead of failing."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from tillit.cart import services as cart_services
from tillit.cart.models import Cart, CartLine
from tillit.privacy import services
from tillit.privacy.datamap import Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shopper(make_user, product):
    user = make_user(username="maja", email="maja@example.com", name="Maja Mätare")
    browser = Client()
    browser.force_login(user)
    assert browser.post(reverse("cart:add"), {"product": product.pk,
                                              "quantity": 1}).status_code == 302
    return user, browser


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers: there is no row lock to deadlock on")
@pytest.mark.promise("P31.a")
def test_staff_erase_a_customer_while_they_add_to_the_cart_without_deadlock(
        shopper, product, monkeypatch):
    user, browser = shopper
    cart_locked, erasure_started = threading.Event(), threading.Event()
    original = cart_services._locked_cart

    def locked_then_wait(owner, *, create):
        cart = original(owner, create=create)
        if threading.current_thread().name == "customer":
            cart_locked.set()
            erasure_started.wait(5)
            time.sleep(0.5)  # the erasure runs into the cart's lock meanwhile
        return cart

    monkeypatch.setattr(cart_services, "_locked_cart", locked_then_wait)
    answers, errors = {}, []

    def customer():
        try:
            answers["customer"] = browser.post(reverse("cart:add"),
                                               {"product": product.pk, "quantity": 1})
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    def staff():
        try:
            cart_locked.wait(5)
            erasure_started.set()
            services.erase(Person.of(get_user_model().objects.get(pk=user.pk)),
                           override_reason="Kunden ringde och bad om radering")
            answers["staff"] = "erased"
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=customer, name="customer"),
               threading.Thread(target=staff, name="staff")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert answers["staff"] == "erased"
    assert answers["customer"].status_code in (302, 303)
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not Cart.objects.exists() and not CartLine.objects.exists()


def test_a_request_after_the_account_was_erased_is_logged_out_with_a_message(
        shopper, product):
    user, browser = shopper
    services.erase(Person.of(user))
    response = browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 1},
                            follow=True)
    assert response.status_code == 200
    assert "_auth_user_id" not in browser.session
    assert not Cart.objects.filter(user__isnull=False).exists()


def test_a_request_whose_session_vanishes_while_it_runs_is_logged_out_not_a_400(
        shopper, product, monkeypatch):
    """The erasure deletes the session while the customer's request is under way: the
    request's own session save finds it gone."""
    user, browser = shopper
    original = cart_services.add

    def erased_meanwhile(owner, product_id, quantity=1):
        line = original(owner, product_id, quantity)
        from django.contrib.sessions.models import Session

        Session.objects.all().delete()  # what the erasure does to the person's sessions
        return line

    monkeypatch.setattr(cart_services, "add", erased_meanwhile)
    response = browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 2})
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    page = browser.get(response["Location"]).content.decode()
    assert "Du är utloggad" in page


def test_a_write_naming_an_account_erased_meanwhile_logs_out_instead_of_failing(
        shopper, product, monkeypatch):
    user, browser = shopper
    original = cart_services.add

    def account_erased_meanwhile(owner, product_id, quantity=1):
        # The request has loaded its account; staff erase it before it writes.
        services.erase(Person.of(owner.user))
        return original(owner, product_id, quantity)

    monkeypatch.setattr(cart_services, "add", account_erased_meanwhile)
    response = browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    assert "Du är utloggad" in browser.get(response["Location"]).content.decode()
