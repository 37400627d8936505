"""The emulator exists in the demo and the tests only: production settings neither install
nor mount it, so no one can reach a fake payment provider in the real shop."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.urls import resolve

PROBE = textwrap.dedent("""
    import django
    django.setup()
    from django.conf import settings
    from django.urls import Resolver404, resolve
    installed = [a for a in settings.INSTALLED_APPS if "emulator" in a]
    try:
        resolve("/klarna-emulator/checkout/v3/orders")
        mounted = True
    except Resolver404:
        mounted = False
    print(installed, mounted, getattr(settings, "TILLIT_KLARNA_EMULATOR", False),
          settings.TILLIT_CHECKOUT["base_url"])
""")


@pytest.mark.promise("P28.a")
def test_production_settings_do_not_install_or_mount_the_emulator(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KLARNA", "TILLIT_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="tillit.settings.production",
               SECRET_KEY="x" * 50, TILLIT_HASH_KEY="y" * 32, ALLOWED_HOSTS="shop.example",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               KLARNA_USERNAME="merchant-id", KLARNA_PASSWORD="merchant-secret")

    result = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "False", "False",
                                     "https://api.playground.kustom.co"]


def test_the_test_settings_do_mount_it(db):
    assert "tillit.payments.klarna.emulator" in settings.INSTALLED_APPS
    assert resolve("/klarna-emulator/checkout/v3/orders").app_name == "klarna_emulator"
