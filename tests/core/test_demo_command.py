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


def _welcome(**kwargs) -> str:
    import io

    from tillit.core.management.commands.demo import Command

    out = io.StringIO()
    Command(stdout=out)._print_welcome("http://127.0.0.1:8000/", "sqlite:///x", **kwargs)
    return out.getvalue()


def test_demo_says_how_to_stop_the_servers_it_runs():
    text = _welcome()
    assert "http://127.0.0.1:8000/" in text and "Stop with Ctrl+C." in text


def test_demo_without_serving_does_not_tell_to_stop_what_is_not_running():
    text = _welcome(serving=False)
    assert "Ctrl+C" not in text
    assert "nothing is running" in text
    assert "http://127.0.0.1:8000/" in text  # the address and logins for the next start
