"""Query budgets: a catalogue page costs a fixed, small number of queries, whatever the
number of products it shows (no N+1). The visitor has a session, as after a first visit:
the session read is part of the budget, as is the category navigation."""

import pytest
from django.urls import reverse

from tillit.catalog.models import Category

PRODUCT_BUDGET = 5
LISTING_BUDGET = 6
HOME_BUDGET = 6
SEARCH_BUDGET = 6


@pytest.fixture
def crowded(make_product, category, subcategory, other_category, settings):
    """A category with 56 active products (some in a subcategory), a page size of 48,
    and a function that adds 50 more."""
    settings.CATALOG_PAGE_SIZE = 48
    extra_categories = [Category.objects.create(name=f"Hylla {n}", slug=f"hylla-{n}")
                        for n in range(4)]

    def add(n, start=0):
        for i in range(start, start + n):
            make_product(name=f"Mixer {i:03d}", category=subcategory if i % 3 else category,
                         is_featured=i % 2 == 0)
            make_product(name=f"Lur {i:03d}", category=extra_categories[i % 4],
                         is_featured=i % 5 == 0)

    add(56)
    add.next_start = 56
    return add


def _count(client, url, budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _grows_not(client, url, budget, crowded, django_assert_max_num_queries):
    before = _count(client, url, budget, django_assert_max_num_queries)
    crowded(50, start=crowded.next_start)
    after = _count(client, url, budget, django_assert_max_num_queries)
    assert before == after


def test_home_stays_within_budget_as_products_are_added(
    with_session, crowded, django_assert_max_num_queries
):
    _grows_not(with_session, reverse("catalog:home"), HOME_BUDGET, crowded,
               django_assert_max_num_queries)


def test_listing_stays_within_budget_with_a_full_page_as_products_are_added(
    with_session, crowded, category, django_assert_max_num_queries
):
    url = category.get_absolute_url() + "?sort=-price"
    response = with_session.get(url)
    assert len(response.context["page_obj"]) == 48
    _grows_not(with_session, url, LISTING_BUDGET, crowded, django_assert_max_num_queries)


def test_listing_page_two_stays_within_budget(
    with_session, crowded, category, django_assert_max_num_queries
):
    _grows_not(with_session, category.get_absolute_url() + "?page=2&sort=newest",
               LISTING_BUDGET, crowded, django_assert_max_num_queries)


def test_product_page_stays_within_budget(
    with_session, crowded, subcategory, make_product, django_assert_max_num_queries
):
    item = make_product(name="Budgetmixer", category=subcategory)
    _grows_not(with_session, item.get_absolute_url(), PRODUCT_BUDGET, crowded,
               django_assert_max_num_queries)


def test_search_stays_within_budget(with_session, crowded, django_assert_max_num_queries):
    _grows_not(with_session, reverse("catalog:search") + "?q=Mixer", SEARCH_BUDGET, crowded,
               django_assert_max_num_queries)


def test_budgets_hold_for_a_logged_in_customer(
    client, customer, crowded, category, product, django_assert_max_num_queries
):
    client.force_login(customer)
    for url, budget in [(reverse("catalog:home"), HOME_BUDGET),
                        (category.get_absolute_url(), LISTING_BUDGET),
                        (product.get_absolute_url(), PRODUCT_BUDGET)]:
        _count(client, url, budget, django_assert_max_num_queries)
