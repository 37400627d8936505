"""The shop owner's admin for categories and products."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tillit.catalog.models import Category


def test_product_changelist_shows_price_in_kronor_stock_and_state(admin_client, make_product):
    make_product(name="Adminmixer", sku="ADM-001", price_ore=1299950, stock=7)
    response = admin_client.get(reverse("admin:catalog_product_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Adminmixer" in html and "ADM-001" in html
    assert "12\u00a0999,50\u00a0kr" in html
    assert 'value="7"' in html  # stock is editable in the list


@pytest.mark.parametrize("q", ["ADM-0", "Adminmix"])
def test_product_admin_searches_by_name_and_sku(admin_client, make_product, q):
    make_product(name="Adminmixer", sku="ADM-001")
    make_product(name="Annan", sku="XYZ-999")
    response = admin_client.get(reverse("admin:catalog_product_changelist"), {"q": q})
    assert [p.sku for p in response.context["cl"].result_list] == ["ADM-001"]


def test_product_admin_filters_inactive(admin_client, make_product):
    make_product(sku="ON-1")
    make_product(sku="OFF-1", is_active=False)
    response = admin_client.get(reverse("admin:catalog_product_changelist"),
                                {"is_active__exact": "0"})
    assert [p.sku for p in response.context["cl"].result_list] == ["OFF-1"]


def test_product_add_form_prepopulates_the_slug(admin_client, category):
    response = admin_client.get(reverse("admin:catalog_product_add"))
    assert response.status_code == 200
    [field] = response.context_data["adminform"].prepopulated_fields
    assert field["field"].name == "slug"
    assert [f.name for f in field["dependencies"]] == ["name"]
    assert "data-prepopulated-fields" in response.content.decode()


def test_product_admin_creates_a_product(admin_client, category):
    response = admin_client.post(reverse("admin:catalog_product_add"), {
        "name": "Ny Mixer", "slug": "ny-mixer", "sku": "NY-1", "category": category.pk,
        "kind": "physical", "description": "", "price_ore": "129900", "vat_rate": "2500",
        "stock": "3", "is_active": "on",
    })
    assert response.status_code == 302, response.context["adminform"].errors
    assert category.products.get(sku="NY-1").price_ore == 129900


def test_category_changelist_counts_active_products(admin_client, make_product, category):
    make_product()
    make_product(is_active=False)
    response = admin_client.get(reverse("admin:catalog_category_changelist"))
    assert response.status_code == 200
    [row] = response.context["cl"].result_list
    assert row.n_active == 1


def test_category_cannot_nest_below_a_subcategory(category, subcategory):
    deeper = Category(name="För djup", slug="for-djup", parent=subcategory)
    with pytest.raises(ValidationError):
        deeper.full_clean()


def test_category_with_subcategories_cannot_become_a_subcategory(category, subcategory,
                                                                 other_category):
    category.parent = other_category
    with pytest.raises(ValidationError):
        category.full_clean()


def test_category_cannot_be_its_own_parent(category):
    category.parent = category
    with pytest.raises(ValidationError):
        category.full_clean()
