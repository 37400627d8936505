"""The cart page and its endpoints over HTTP."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from tillit.cart.models import Cart, CartLine
from tillit.core.money import format_sek


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_empty_cart_page_says_the_cart_is_empty_and_creates_nothing(client, db):
    response = client.get(reverse("cart:detail"))

    assert response.status_code == 200
    assert b"cart-empty" in response.content
    assert reverse("checkout:start").encode() not in response.content
    assert not Cart.objects.exists()
    assert "sessionid" not in response.cookies


def test_add_puts_the_product_in_a_guest_cart_and_redirects_to_the_cart(client, product,
                                                                        add_to_cart, lines_of):
    response = add_to_cart(client, product, 2)

    assert response.status_code == 302
    assert response.url == reverse("cart:detail")
    assert lines_of(client) == {product.pk: 2}
    assert client.session["cart_count"] == 2
    assert any(product.name in m for m in messages_of(response))


def test_add_without_quantity_adds_one(client, product, lines_of):
    client.post(reverse("cart:add"), {"product": product.pk})

    assert lines_of(client) == {product.pk: 1}


def test_guest_cart_persists_across_requests_and_only_for_that_session(
        client, product, add_to_cart):
    add_to_cart(client, product, 3)

    page = client.get(reverse("cart:detail"))
    assert page.status_code == 200
    assert product.name.encode() in page.content
    assert re.search(rb'name="quantity" value="3"', page.content)

    stranger = Client()
    other_page = stranger.get(reverse("cart:detail"))
    assert product.name.encode() not in other_page.content
    assert b"cart-empty" in other_page.content


def test_cart_page_shows_lines_prices_forms_and_a_link_to_checkout(client, make_product,
                                                                  add_to_cart):
    product = make_product(name="Kondensatormikrofon", price_ore=89900)
    add_to_cart(client, product, 2)
    line = CartLine.objects.get()

    content = client.get(reverse("cart:detail")).content.decode()

    assert "Kondensatormikrofon" in content
    assert format_sek(89900) in content
    assert format_sek(2 * 89900) in content
    assert f'action="{reverse("cart:update", args=[line.pk])}"' in content
    assert f'action="{reverse("cart:remove", args=[line.pk])}"' in content
    assert f'href="{reverse("checkout:start")}"' in content


def test_header_count_shows_the_items_in_the_cart(client, make_product, add_to_cart):
    add_to_cart(client, make_product(), 2)
    add_to_cart(client, make_product(), 5)

    content = client.get(reverse("cart:detail")).content.decode()

    assert re.search(r'class="cart-count">7<', content)


def test_add_redirects_to_a_safe_next_url(client, product, add_to_cart):
    target = product.get_absolute_url()

    response = add_to_cart(client, product, 1, next=target)

    assert response.status_code == 302
    assert response.url == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:/\\evil.example",
    "\\\\evil.example", "home", "/" + "a" * 5000,
])
def test_add_ignores_a_next_url_that_leaves_the_site(client, product, add_to_cart, target):
    response = add_to_cart(client, product, 1, next=target)

    assert response.status_code == 302
    assert response.url in (reverse("cart:detail"), target)
    assert "evil.example" not in response.url
    assert not response.url.startswith("javascript")
    assert len(response.url) < 2100


def test_update_changes_the_quantity(client, product, add_to_cart, lines_of):
    add_to_cart(client, product, 1)
    line = CartLine.objects.get()

    response = client.post(reverse("cart:update", args=[line.pk]), {"quantity": "4"})

    assert response.status_code == 302
    assert lines_of(client) == {product.pk: 4}
    assert client.session["cart_count"] == 4


def test_update_beyond_stock_is_refused_with_a_message(client, make_product, add_to_cart,
                                                       lines_of):
    product = make_product(stock=4)
    add_to_cart(client, product, 1)
    line = CartLine.objects.get()

    response = client.post(reverse("cart:update", args=[line.pk]), {"quantity": "5"},
                           follow=True)

    assert response.status_code == 200
    assert lines_of(client) == {product.pk: 1}
    assert any("4" in str(m) for m in response.context["messages"])


def test_remove_takes_the_line_out(client, make_product, add_to_cart, lines_of):
    keep, drop = make_product(), make_product()
    add_to_cart(client, keep, 1)
    add_to_cart(client, drop, 2)
    line = CartLine.objects.get(product=drop)

    response = client.post(reverse("cart:remove", args=[line.pk]))

    assert response.status_code == 302
    assert lines_of(client) == {keep.pk: 1}
    assert client.session["cart_count"] == 1


def test_add_refused_shows_a_message_and_changes_nothing(client, make_product, add_to_cart,
                                                        all_carts):
    product = make_product(stock=2)
    add_to_cart(client, product, 2)
    before = all_carts()

    response = add_to_cart(client, product, 1, next=product.get_absolute_url())

    assert response.status_code == 302
    assert response.url == product.get_absolute_url()
    assert messages_of(response)
    assert all_carts() == before


@pytest.mark.parametrize("name,args", [("cart:add", []), ("cart:update", [1]),
                                       ("cart:remove", [1])])
def test_get_on_a_post_endpoint_is_405(client, db, name, args):
    assert client.get(reverse(name, args=args)).status_code == 405


def test_post_without_csrf_token_is_refused_and_changes_nothing(product, all_carts, lines_of):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("cart:detail"))
    before = all_carts()

    response = browser.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})

    assert response.status_code == 403
    assert all_carts() == before


def test_post_with_csrf_token_is_accepted(product, lines_of):
    browser = Client(enforce_csrf_checks=True)
    # The product page's form to add to the cart carries the token (an empty cart's page,
    # like every page with no form of its own, sets none).
    token = browser.get(product.get_absolute_url()).cookies["csrftoken"].value

    response = browser.post(reverse("cart:add"),
                            {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert lines_of(browser) == {product.pk: 1}


def test_update_and_remove_without_csrf_token_are_refused(client, product, add_to_cart,
                                                          all_carts):
    add_to_cart(client, product, 1)
    line = CartLine.objects.get()
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies  # the same session, but posting without the token
    before = all_carts()

    assert browser.post(reverse("cart:update", args=[line.pk]), {"quantity": 3}).status_code == 403
    assert browser.post(reverse("cart:remove", args=[line.pk])).status_code == 403
    assert all_carts() == before


def test_line_of_a_withdrawn_product_is_flagged_on_the_cart_page(client, product, add_to_cart):
    add_to_cart(client, product, 1)
    product.is_active = False
    product.save()

    response = client.get(reverse("cart:detail"))

    assert response.status_code == 200
    assert response.context["cart"].unavailable_lines == list(response.context["cart"].lines)
    assert b"stock out" in response.content


def test_cart_page_corrects_a_stale_header_count(client, product, add_to_cart):
    add_to_cart(client, product, 2)
    CartLine.objects.all().delete()  # e.g. the product was deleted

    client.get(reverse("cart:detail"))

    assert client.session["cart_count"] == 0
