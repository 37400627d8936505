"""The demo never reaches a real shop's database."""

import pytest
from django.core.management import CommandError, call_command

from tillit.core.management.commands.demo import _without_password


def test_loaddemo_refuses_outside_demo_settings(db, settings):
    settings.TILLIT_DEMO = False
    with pytest.raises(CommandError, match="only under demo settings"):
        call_command("loaddemo")
    from django.contrib.auth import get_user_model
    assert not get_user_model().objects.filter(username="personal").exists()


def test_demo_refuses_outside_demo_settings(settings):
    settings.TILLIT_DEMO = False
    with pytest.raises(CommandError, match="only with demo settings"):
        call_command("demo", "--no-serve")


def test_demo_prints_no_database_password():
    assert _without_password("postgres://shop:s3cret@db:5432/tillit") == \
        "postgres://shop:***@db:5432/tillit"
    assert _without_password("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"
