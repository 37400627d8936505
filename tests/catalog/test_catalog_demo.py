"""The demo catalogue: a realistic shop out of the box, and loading it twice changes nothing."""

from collections import Counter

from django.db.models import Q

from tillit.catalog import demo
from tillit.catalog.models import Category, Product, ProductKind, VatRate

_FIELDS = ("sku", "slug", "name", "description", "category__slug", "price_ore", "vat_rate",
           "stock", "is_active", "is_featured", "kind", "created_at")


def _snapshot():
    return (
        sorted(Category.objects.values_list("pk", "slug", "name", "parent_id", "position")),
        sorted(Product.objects.values_list("pk", *_FIELDS)),
    )


def test_demo_load_twice_gives_the_same_rows(db):
    demo.load()
    first = _snapshot()
    demo.load()
    assert _snapshot() == first


def test_demo_load_keeps_edited_rows_and_adds_no_new_ones(db):
    demo.load()
    count = Product.objects.count()
    Product.objects.filter(sku="MIK-BD58").update(price_ore=1, name="Ändrad")
    demo.load()
    assert Product.objects.count() == count
    edited = Product.objects.get(sku="MIK-BD58")
    assert (edited.price_ore, edited.name) == (1, "Ändrad")


def test_demo_catalogue_is_large_and_varied(db):
    demo.load()
    tops = Category.objects.filter(parent__isnull=True)
    active = Product.objects.filter(is_active=True)
    assert active.count() >= 60
    assert tops.count() >= 8
    assert Category.objects.filter(parent__isnull=False).exists()
    per_top = Counter(
        tops.filter(Q(products__in=active) | Q(children__products__in=active))
        .values_list("slug", flat=True)
    )
    assert len(per_top) >= 8  # every one of at least 8 top categories has products
    assert set(Product.objects.values_list("kind", flat=True)) == set(ProductKind.values)
    assert set(Product.objects.values_list("vat_rate", flat=True)) >= {VatRate.STANDARD,
                                                                       VatRate.LOW}
    assert 5 <= active.filter(is_featured=True).count() <= 10
    assert active.filter(stock=0).exists()
    assert Product.objects.filter(is_active=False).exists()
    assert len(set(Product.objects.values_list("created_at", flat=True))) > 30
    assert len(set(Product.objects.values_list("description", flat=True))) == \
        Product.objects.count()


def test_demo_licences_and_cloud_services_sit_in_their_categories(db):
    demo.load()
    assert set(Product.objects.filter(kind=ProductKind.LICENCE)
               .values_list("category__slug", flat=True)) == {"mjukvarulicenser"}
    assert set(Product.objects.filter(kind=ProductKind.CLOUD)
               .values_list("category__slug", flat=True)) == {"molntjanster"}


def test_demo_categories_nest_one_level(db):
    demo.load()
    for cat in Category.objects.select_related("parent"):
        cat.full_clean()
