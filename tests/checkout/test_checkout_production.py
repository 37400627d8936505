"""Production refuses to start without the checkout provider's API credentials: a shop
that starts without them fails at its first buyer instead."""

import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

CREDENTIALS = ("KLARNA_USERNAME", "KLARNA_PASSWORD")


def _check(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS}
    env.update(DJANGO_SETTINGS_MODULE="tillit.settings.production",
               SECRET_KEY=secrets.token_urlsafe(64), TILLIT_HASH_KEY=secrets.token_urlsafe(32),
               ALLOWED_HOSTS="shop.example",
               DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
               TILLIT_VAR_DIR=str(tmp_path), KLARNA_USERNAME="merchant-id",
               KLARNA_PASSWORD=secrets.token_urlsafe(16))
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "tillit", "check"], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("missing", CREDENTIALS)
def test_production_refuses_to_start_without_the_providers(tmp_path, missing):
    result = _check(tmp_path, **{missing: None})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set in the environment for production" in result.stderr


def test_production_starts_with_them(tmp_path):
    result = _check(tmp_path)

    assert result.returncode == 0, result.stderr
