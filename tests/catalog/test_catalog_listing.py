"""Category listing: sort orders, pagination, and bad parameters that never break the page."""

import datetime as dt
from urllib.parse import quote_from_bytes

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tillit.catalog.models import Product


@pytest.fixture
def shelf(make_product, category, subcategory):
    """Five products with distinct names, prices and dates, two in the subcategory."""
    rows = [
        ("Delta", 49900, 3, category),
        ("Alfa", 129900, 1, subcategory),
        ("Echo", 9900, 5, category),
        ("Charlie", 349000, 2, category),
        ("Bravo", 79900, 4, subcategory),
    ]
    base = timezone.now() - dt.timedelta(days=30)
    for name, price, age_rank, cat in rows:
        p = make_product(name=name, price_ore=price, category=cat)
        # Lower age_rank = added more recently.
        Product.objects.filter(pk=p.pk).update(created_at=base - dt.timedelta(days=age_rank))
    return category


def _names(client, category, **params):
    response = client.get(category.get_absolute_url(), params)
    assert response.status_code == 200
    return [p.name for p in response.context["page_obj"]]


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Alfa", "Bravo", "Charlie", "Delta", "Echo"]),
    ("price", ["Echo", "Delta", "Bravo", "Alfa", "Charlie"]),
    ("-price", ["Charlie", "Alfa", "Bravo", "Delta", "Echo"]),
    ("newest", ["Alfa", "Charlie", "Delta", "Bravo", "Echo"]),
])
def test_listing_sorts_by_the_requested_key(client, shelf, sort, expected):
    assert _names(client, shelf, sort=sort) == expected


@pytest.mark.parametrize("sort", ["", "pris", "price; DROP TABLE x", "-name", "\u0000"])
def test_unknown_sort_falls_back_to_name_order(client, shelf, sort):
    assert _names(client, shelf, sort=sort) == ["Alfa", "Bravo", "Charlie", "Delta", "Echo"]


def test_sort_links_keep_other_parameters_and_reset_the_page(client, shelf, settings):
    settings.CATALOG_PAGE_SIZE = 2
    html = client.get(shelf.get_absolute_url(), {"page": "2", "sort": "name"}).content.decode()
    assert 'href="?sort=price"' in html  # page dropped: a new order starts on page 1
    assert 'href="?page=3&amp;sort=name"' in html  # the next page keeps the order


def test_pagination_splits_the_listing_into_page_size_chunks(client, shelf, settings):
    settings.CATALOG_PAGE_SIZE = 2
    pages = [_names(client, shelf, sort="price", page=n) for n in (1, 2, 3)]
    assert pages == [["Echo", "Delta"], ["Bravo", "Alfa"], ["Charlie"]]


def test_every_product_appears_on_exactly_one_page(client, make_product, category, settings):
    settings.CATALOG_PAGE_SIZE = 7
    for n in range(30):
        make_product(name=f"Mixer {n:02d}", price_ore=10000 + (n % 4) * 100)  # ties in price
    seen = []
    for page in range(1, 6):
        seen += _names(client, category, sort="price", page=page)
    assert sorted(seen) == sorted(f"Mixer {n:02d}" for n in range(30))


@pytest.mark.parametrize(("page", "expected"), [
    ("0", "last"), ("99", "last"), ("-1", "last"), ("abc", "first"), ("", "first"),
    ("1.5", "first"), ("9" * 40, "last"),
])
def test_bad_page_number_gives_the_first_or_last_page(client, shelf, settings, page, expected):
    settings.CATALOG_PAGE_SIZE = 2
    names = _names(client, shelf, page=page)
    assert names == (["Alfa", "Bravo"] if expected == "first" else ["Echo"])


def test_empty_category_says_so(client, category, sv):
    response = client.get(category.get_absolute_url())
    assert response.status_code == 200
    assert sv("There are no products in this category yet.") in response.content.decode()


_junk = st.text(max_size=60) | st.sampled_from(
    ["-1", "0", "10" * 30, "1e9", "NaN", "' OR '1'='1", "\x00", "%00", "../../etc/passwd"]
)


@hsettings(max_examples=50, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=_junk, sort=_junk, extra=st.dictionaries(st.text(max_size=10), _junk, max_size=3))
def test_hostile_listing_parameters_never_break_the_page(client, shelf, page, sort, extra):
    response = client.get(shelf.get_absolute_url(), {**extra, "page": page, "sort": sort})
    assert response.status_code == 200


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=80))
def test_raw_query_string_bytes_never_break_the_listing(client, shelf, raw):
    response = client.get(f"{shelf.get_absolute_url()}?page={quote_from_bytes(raw)}"
                          f"&sort={quote_from_bytes(raw[::-1])}")
    assert response.status_code == 200
