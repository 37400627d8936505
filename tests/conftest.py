"""Fixtures shared by the whole suite. An app's own fixtures live in its test folder;
those other folders use too are plugins, named below."""

import itertools
import signal
import socket

import pytest

from tillit.catalog.models import Category, Product

pytest_plugins = [
    "tests.checkout.checkout_fixtures",
    "tests.orders.orders_fixtures",
    "tests.privacy.rights_fixtures",
    "tests.privacy.life_fixtures",
]

PASSWORD = "Korrekt-Häst-Batteri-9"
_seq = itertools.count(1)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now, for a server a test starts."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the policy version is cached)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the shop's default language. A request leaves its language active
    on the thread (LocaleMiddleware), and code outside a request (fixtures placing orders,
    services) reads it, so without this a test after an English page would run in English."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def argon2(settings):
    """Production's password hashers (Argon2id first, P35) instead of the test settings'
    fast one: for the tests of how passwords are stored and of timing."""
    from tillit.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)``: from now on the shop's clock (``timezone.now``) says ``moment``."""
    from django.utils import timezone

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def category(db):
    return Category.objects.create(name="Mixerbord", slug="mixerbord")


@pytest.fixture
def make_product(db, category):
    """``make_product(price_ore=129900, vat_rate=2500, stock=5, **fields)``"""

    def make(**fields):
        n = next(_seq)
        defaults = {
            "category": category, "name": f"Produkt {n}", "slug": f"produkt-{n}",
            "sku": f"SKU-{n:05d}", "price_ore": 129900, "vat_rate": 2500, "stock": 10,
            "description": "En produkt för tester.",
        }
        defaults.update(fields)
        return Product.objects.create(**defaults)

    return make


@pytest.fixture
def product(make_product):
    return make_product(name="Studiomixer 12", slug="studiomixer-12", sku="MIX-012")


@pytest.fixture
def make_user(db, django_user_model):
    """``make_user(username=..., email=..., password=PASSWORD, **fields)``"""

    def make(**fields):
        n = next(_seq)
        fields.setdefault("username", f"kund{n}")
        fields.setdefault("email", f"kund{n}@example.com")
        fields.setdefault("name", f"Kund Nummer{n}")
        password = fields.pop("password", PASSWORD)
        return django_user_model.objects.create_user(password=password, **fields)

    return make


@pytest.fixture
def customer(make_user):
    return make_user(username="anna", email="anna@example.com", name="Anna Andersson")


@pytest.fixture
def staff(make_user):
    """A member of staff with every permission (the shop's owner)."""
    return make_user(username="personal", email="personal@teknikboden.example",
                     name="Stina Personal", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff):
    """A browser logged in as :func:`staff` (``client.staff`` is the account)."""
    from django.test import Client

    client = Client()
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.fixture
def database_backend(settings):
    """Production's task backend: tasks wait in the database for `tillit db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}


@pytest.fixture
def run_worker(transactional_db, database_backend):
    """``run_worker()``: `tillit db_worker --batch` (runs what is ready, then stops), as
    the production worker does; the signal handlers it installs are put back after. The
    test runs outside a transaction, as the worker does: it closes the database connection
    of a transaction it did not open (on PostgreSQL, the test's own)."""
    from django.core.management import call_command

    names = [n for n in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, n)]
    saved = {n: signal.getsignal(getattr(signal, n)) for n in names}

    def run():
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    yield run
    for n, handler in saved.items():
        signal.signal(getattr(signal, n), handler)
