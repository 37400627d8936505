import pytest
from django.urls import reverse


@pytest.fixture
def add_to_cart():
    """``add_to_cart(client, product, quantity=1)``: posts like the product page does."""

    def add(client, product, quantity=1):
        return client.post(reverse("cart:add"), {"product": product.pk, "quantity": quantity})

    return add
