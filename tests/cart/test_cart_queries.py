"""The cart page reads a cart in a fixed number of queries, whatever its size."""

import pytest
from django.urls import reverse

from tillit.privacy.policy import current_version as current_policy_version
from tillit.privacy.selectors import checkout_provider

CART_PAGE_MAX_QUERIES = 6
# Opening the checkout also writes the disclosure ledger entry of what went to the provider
# (P28) and links it to the processor register's entry for the provider (P27): two
# queries per new provider order, whatever the size of the cart.
CHECKOUT_START_MAX_QUERIES = CART_PAGE_MAX_QUERIES + 2


@pytest.mark.parametrize("n_lines", [1, 30])
@pytest.mark.parametrize("logged_in", [False, True], ids=["guest", "customer"])
def test_cart_page_query_budget(client, customer, make_product, add_to_cart,
                                django_assert_max_num_queries, n_lines, logged_in):
    if logged_in:
        client.force_login(customer)
    for _ in range(n_lines):
        add_to_cart(client, make_product(), 2)

    with django_assert_max_num_queries(CART_PAGE_MAX_QUERIES):
        response = client.get(reverse("cart:detail"))

    assert response.status_code == 200
    assert len(response.context["cart"].lines) == n_lines


@pytest.mark.parametrize("n_lines", [1, 30])
def test_checkout_start_query_budget(client, make_product, add_to_cart,
                                     django_assert_max_num_queries, n_lines):
    for _ in range(n_lines):
        add_to_cart(client, make_product(), 1)
    # The policy version the page names, and the checkout provider's entry in the processor
    # register, are read once a minute per process (cached); the budget holds for every
    # request after that.
    current_policy_version("sv")
    checkout_provider()

    with django_assert_max_num_queries(CHECKOUT_START_MAX_QUERIES):
        response = client.get(reverse("checkout:start"))

    assert response.status_code == 200
