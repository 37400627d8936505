"""The catalogue pages show what a shopper needs, and nothing that is not for sale."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tillit.catalog.models import ProductKind


class _Forms(HTMLParser):
    """Every <form>: its attributes and its named inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "inputs": {}})
        elif tag in ("input", "button", "select") and self.forms and attrs.get("name"):
            self.forms[-1]["inputs"][attrs["name"]] = attrs


def _forms(html: str) -> list[dict]:
    reader = _Forms()
    reader.feed(html)
    return reader.forms


# Home -------------------------------------------------------------------------------------


def test_home_shows_featured_products_and_not_the_others(client, make_product):
    featured = make_product(name="Utvald Mixer", is_featured=True)
    plain = make_product(name="Vanlig Mixer")
    html = client.get(reverse("catalog:home")).content.decode()
    assert featured.name in html
    assert featured.get_absolute_url() in html
    assert plain.name not in html


def test_home_lists_top_categories_with_counts_of_active_products(
    client, make_product, category, subcategory, other_category, sv
):
    make_product(category=category)
    make_product(category=subcategory)
    make_product(category=subcategory)
    make_product(category=subcategory, is_active=False)
    make_product(category=other_category)
    response = client.get(reverse("catalog:home"))
    counts = {c.slug: c.product_count for c in response.context["categories"]}
    assert counts == {"mixerbord": 3, "horlurar": 1}  # top categories only, subcategory summed
    html = response.content.decode()
    assert category.get_absolute_url() in html
    assert other_category.get_absolute_url() in html


# Category listing ---------------------------------------------------------------------------


def test_category_lists_its_own_and_its_subcategories_products(
    client, make_product, category, subcategory, other_category
):
    own = make_product(name="Egen Mixer", category=category)
    sub = make_product(name="Underkategorins Mixer", category=subcategory)
    other = make_product(name="Främmande Lur", category=other_category)
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    shown = [p.pk for p in response.context["page_obj"]]
    assert sorted(shown) == sorted([own.pk, sub.pk])
    html = response.content.decode()
    assert own.name in html and sub.name in html and other.name not in html


def test_category_page_links_its_subcategories(client, category, subcategory):
    html = client.get(category.get_absolute_url()).content.decode()
    assert f'href="{subcategory.get_absolute_url()}"' in html
    assert subcategory.name in html


def test_subcategory_page_shows_only_its_products_and_a_breadcrumb_to_its_parent(
    client, make_product, category, subcategory
):
    make_product(name="Toppens Mixer", category=category)
    sub = make_product(name="Underkategorins Mixer", category=subcategory)
    response = client.get(subcategory.get_absolute_url())
    assert [p.pk for p in response.context["page_obj"]] == [sub.pk]
    html = response.content.decode()
    assert f'href="{category.get_absolute_url()}"' in html
    assert response.context["current_category"] == subcategory


def test_navigation_marks_the_top_category_of_the_current_page(client, category, subcategory):
    html = client.get(subcategory.get_absolute_url()).content.decode()
    assert f'<a href="{category.get_absolute_url()}" class="current"' in html


def test_unknown_category_is_404(client, db):
    assert client.get(reverse("catalog:category", args=["finns-inte"])).status_code == 404


def test_product_card_without_image_has_a_thumb_placeholder(client, make_product, category, sv):
    make_product(name="Bildlös Mixer")
    html = client.get(category.get_absolute_url()).content.decode()
    thumb = re.search(r'<a class="thumb"[^>]*>(.*?)</a>', html, re.S)
    assert thumb and thumb.group(1).strip() == sv("No image")


def test_product_card_with_image_shows_it_in_the_thumb(client, make_product, category):
    item = make_product(name="Bildmixer")
    item.image.save("bildmixer.png", ContentFile(b"not really a png"), save=True)
    html = client.get(category.get_absolute_url()).content.decode()
    thumb = re.search(r'<a class="thumb"[^>]*>(.*?)</a>', html, re.S)
    assert thumb and f'src="{item.image.url}"' in thumb.group(1)


# Product page ------------------------------------------------------------------------------


def test_product_page_shows_name_sku_description_kind_stock_and_breadcrumb(
    client, make_product, category, subcategory, sv
):
    item = make_product(name="Kompaktmixer 8", sku="MIX-K8", category=subcategory, stock=4,
                        description="Åtta kanaler och inbyggda effekter.",
                        kind=ProductKind.PHYSICAL)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Kompaktmixer 8</h1>" in html
    assert "MIX-K8" in html
    assert "Åtta kanaler och inbyggda effekter." in html
    assert sv("Physical product") in html
    assert sv("In stock") in html
    # Breadcrumb: home › top category › subcategory › product.
    for url in (reverse("catalog:home"), category.get_absolute_url(),
                subcategory.get_absolute_url()):
        assert f'href="{url}"' in html
    assert response.context["current_category"] == subcategory


def test_product_page_has_an_add_to_cart_form_with_the_agreed_fields(client, product):
    html = client.get(product.get_absolute_url()).content.decode()
    [form] = [f for f in _forms(html) if f["attrs"].get("action") == reverse("cart:add")]
    assert form["attrs"]["method"].lower() == "post"
    assert form["inputs"]["product"]["value"] == str(product.pk)
    assert form["inputs"]["quantity"]["value"] == "1"
    assert form["inputs"]["csrfmiddlewaretoken"]["value"]


def test_out_of_stock_product_says_so_and_offers_no_cart_form(client, make_product, sv):
    item = make_product(stock=0)
    html = client.get(item.get_absolute_url()).content.decode()
    assert sv("Out of stock") in html
    assert not [f for f in _forms(html) if f["attrs"].get("action") == reverse("cart:add")]


@pytest.mark.parametrize(("kind", "label"), [(ProductKind.LICENCE, "Software licence"),
                                             (ProductKind.CLOUD, "Cloud service")])
def test_digital_products_show_their_kind(client, make_product, sv, kind, label):
    item = make_product(kind=kind, stock=100)
    html = client.get(item.get_absolute_url()).content.decode()
    assert sv(label) in html
    assert sv("Available, delivered digitally") in html


def test_unknown_product_is_404(client, db):
    assert client.get(reverse("catalog:product", args=["finns-inte"])).status_code == 404


# Inactive products are hidden everywhere ---------------------------------------------------


@pytest.fixture
def hidden(make_product):
    return make_product(name="Dold Utgående Mixer", sku="HIDE-001", is_active=False,
                        is_featured=True, description="Utgående modell")


def test_inactive_product_page_is_404(client, hidden):
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_inactive_product_is_not_featured_on_home(client, hidden, product):
    html = client.get(reverse("catalog:home")).content.decode()
    assert hidden.name not in html


def test_inactive_product_is_not_in_its_category(client, hidden, product, category):
    response = client.get(category.get_absolute_url())
    assert [p.pk for p in response.context["page_obj"]] == [product.pk]
    assert hidden.name not in response.content.decode()


@pytest.mark.parametrize("q", ["Dold", "HIDE-001", "Utgående"])
def test_inactive_product_is_not_found_by_search(client, hidden, q):
    response = client.get(reverse("catalog:search"), {"q": q})
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert hidden.name not in response.content.decode()
