"""Search: by name, description or SKU; full-text on PostgreSQL; any input gives a page."""

from urllib.parse import quote_from_bytes

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tillit.catalog.selectors import MAX_QUERY_LENGTH, clean_query

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                 reason="full-text search runs on PostgreSQL only")


@pytest.fixture
def goods(make_product, other_category):
    return {
        "mixer": make_product(name="Studiomixer Norrvåg 12", sku="MIX-N12",
                              description="Analogt mixerbord med tolv kanaler."),
        "lur": make_product(name="Referenslur H600", sku="HLR-V600", category=other_category,
                            description="Öppna hörlurar med neutral ljudbild."),
        "kabel": make_product(name="XLR-kabel 3 m", sku="KAB-XLR030",
                              description="Balanserad kabel med dubbel skärm."),
    }


def _found(client, q, **params):
    response = client.get(reverse("catalog:search"), {"q": q, **params})
    assert response.status_code == 200
    page = response.context["page_obj"]
    return [p.sku for p in page] if page is not None else None


def test_search_finds_a_product_by_a_word_of_its_name(client, goods):
    assert _found(client, "Studiomixer") == ["MIX-N12"]


def test_search_finds_a_product_by_its_sku_whole_or_partial(client, goods):
    assert _found(client, "HLR-V600") == ["HLR-V600"]
    assert _found(client, "kab-xlr") == ["KAB-XLR030"]
    assert _found(client, "xlr030") == ["KAB-XLR030"]
    assert _found(client, "kab030") == []  # a SKU fragment must be contiguous


def test_search_finds_a_product_by_a_word_of_its_description(client, goods):
    assert _found(client, "hörlurar") == ["HLR-V600"]


def test_search_without_a_match_says_so(client, goods, sv):
    response = client.get(reverse("catalog:search"), {"q": "trumpet"})
    assert list(response.context["page_obj"]) == []
    assert sv("No products matched. Try another word, or check the SKU.") in \
        response.content.decode()


def test_search_results_are_paginated(client, make_product, settings):
    settings.CATALOG_PAGE_SIZE = 3
    for n in range(7):
        make_product(name=f"Monitor {n}")
    first = _found(client, "Monitor", sort="name")
    third = _found(client, "Monitor", sort="name", page="3")
    assert len(first) == 3 and len(third) == 1
    assert not set(first) & set(third)


@pytest.mark.parametrize("q", ["", "   ", "\x00", "\t\n"])
def test_empty_search_shows_a_prompt_and_no_results(client, goods, q, sv):
    response = client.get(reverse("catalog:search"), {"q": q})
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert sv("Search by product name, a word from its description, or its SKU.") in \
        response.content.decode()


def test_overlong_search_is_shortened_and_says_so(client, goods, sv):
    response = client.get(reverse("catalog:search"), {"q": "Studiomixer " + "x" * 10_000})
    assert response.status_code == 200
    assert len(response.context["search_query"]) == MAX_QUERY_LENGTH
    html = response.content.decode()
    assert sv("Your search was shortened to %(max_query_length)s characters.") % {
        "max_query_length": MAX_QUERY_LENGTH} in html


@pytest.mark.parametrize("q", [
    "Studio\x00mixer", "' OR 1=1 --", "'; DROP TABLE catalog_product; --", "%", "_", "\\",
    "!!!", "& | ! :*", '"unclosed', "<script>alert(1)</script>", "()", "-", "a" * 10_000,
    "\ud7ff\ue000\U0010ffff", "<->", "mixer:*",
])
def test_weird_search_gives_a_page(client, goods, q):
    response = client.get(reverse("catalog:search"), {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_sql_like_text_is_only_text(client, goods):
    assert _found(client, "' OR '1'='1") == []
    assert _found(client, "%") == []


def test_clean_query_removes_control_characters_and_collapses_space():
    assert clean_query("  Studio\x00mixer \t\n 12\x1b ") == "Studio mixer 12"
    assert clean_query(None) == ""
    assert len(clean_query("å" * 500)) == MAX_QUERY_LENGTH


def test_the_search_box_shows_the_cleaned_query(client, goods):
    html = client.get(reverse("catalog:search"), {"q": "Studio\x00mixer"}).content.decode()
    assert 'value="Studio mixer"' in html


@on_postgres
def test_postgres_search_stems_swedish_words(client, make_product):
    make_product(name="Dynamisk sångmikrofon", sku="MIK-D58")
    assert _found(client, "sångmikrofoner") == ["MIK-D58"]


@on_postgres
def test_postgres_search_ranks_name_matches_above_description_matches(client, make_product):
    make_product(name="Anslutningslåda", sku="ANS-1", description="Passar kompressor och eq.")
    make_product(name="Kompressor", sku="KMP-1", description="En enkel modell.")
    assert _found(client, "kompressor") == ["KMP-1", "ANS-1"]


@on_postgres
def test_postgres_search_understands_exclusion(client, goods, make_product):
    make_product(name="Digital studiomixer", sku="MIX-D16")
    assert _found(client, "studiomixer -digital") == ["MIX-N12"]


_hostile = st.text(max_size=200) | st.sampled_from([
    "\x00", "x" * 10_000, "' OR 1=1 --", "\\x00", "&&&", "!(", "<->", ":*", "''", "\"",
])


@hsettings(max_examples=60, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=_hostile, page=st.text(max_size=20), sort=st.text(max_size=20))
def test_hostile_search_input_never_breaks_the_page(client, goods, q, page, sort):
    response = client.get(reverse("catalog:search"), {"q": q, "page": page, "sort": sort})
    assert response.status_code == 200


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=120))
def test_raw_query_string_bytes_never_break_search(client, goods, raw):
    response = client.get(f"{reverse('catalog:search')}?q={quote_from_bytes(raw)}")
    assert response.status_code == 200


@pytest.mark.parametrize("q", ["FJÄLLTON", "fjällton", "FjÄlLtOn", "ÖPPNA", "ÅSKLEDARE",
                               "fjällton-200"])
def test_search_ignores_the_case_of_swedish_letters(client, make_product, q):
    make_product(name="Fjällton Monitor", sku="FJÄLLTON-200",
                 description="Öppna hörlurar med åskledare i kabeln.")
    assert _found(client, q) == ["FJÄLLTON-200"]


@hsettings(max_examples=40, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.booleans(), min_size=17, max_size=17))
def test_any_letter_case_of_a_name_finds_it(client, make_product, flips):
    name = "Östgöta Fjällåtel"
    q = "".join(ch.upper() if flip else ch.lower() for ch, flip in zip(name, flips, strict=True))
    product = make_product(name=name)
    assert product.sku in _found(client, q)
    product.delete()
