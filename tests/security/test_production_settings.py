"""Production settings (P34): refuse to start half-configured, `check --deploy` is clean,
and the shop answers over HTTPS only, with HSTS, secure cookies and a strict CSP."""

import json
import os
import secrets
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

REQUIRED = ("SECRET_KEY", "TILLIT_HASH_KEY", "ALLOWED_HOSTS", "DATABASE_URL")

# Runs in a fresh interpreter with the production settings: the deploy check, then a few
# requests through Django's test client against a migrated throw-away SQLite database.
SCRIPT = r"""
import json, django
from django.core.management import call_command
django.setup()
call_command("check", "--deploy", "--fail-level", "WARNING", verbosity=0)
call_command("migrate", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
from django.test import Client
c = Client()
plain = c.get("/", HTTP_HOST="shop.example")
secure = c.get("/", HTTP_HOST="shop.example", secure=True)
login = c.get("/konto/logga-in/", HTTP_HOST="shop.example", secure=True)
# A password reset, as production handles it: the request queues a task in the database,
# and `tillit db_worker` (here one batch) looks the address up and sends the mail.
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tillit.accounts.models import User
from tillit.core.models import OutgoingMail
User.objects.create_user(username="anna", email="anna@example.com", name="Anna",
                         password="Korrekt-Häst-Batteri-9")
reset = c.post(reverse("accounts:password_reset"), {"email": "anna@example.com"},
               HTTP_HOST="shop.example", secure=True)
queued = [[t.task_path, t.args_kwargs] for t in DBTaskResult.objects.all()]
sent_in_request = len(getattr(mail, "outbox", []))  # locmem makes it on its first send
call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure_status": secure.status_code,
    "headers": {k: v for k, v in secure.headers.items()},
    "cookies": {k: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"])}
                for k, m in login.cookies.items()},
    "reset": {"status": reset.status_code, "queued": queued,
              "sent_in_request": sent_in_request,
              "worker": sorted(DBTaskResult.objects.values_list("task_path", "status")),
              "sent": [m.to for m in mail.outbox],
              "waiting": OutgoingMail.objects.count()},
}))
"""


def _env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update(
        DJANGO_SETTINGS_MODULE="tillit.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64), TILLIT_HASH_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="shop.example", DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        TILLIT_VAR_DIR=str(tmp_path), KLARNA_USERNAME="merchant-id",
        KLARNA_PASSWORD="merchant-secret",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    # The worker's mail stays in the process, where the script can look at it.
    env = _env(tmp_path, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env,
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.promise("P34.a")
def test_check_deploy_reports_nothing(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tillit", "check", "--deploy",
                             "--fail-level", "WARNING"],
                            env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without(tmp_path, missing):
    result = subprocess.run([sys.executable, "-m", "tillit", "check"],
                            env=_env(tmp_path, **{missing: None}), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert f"{missing} must be set in the environment for production" in result.stderr


@pytest.mark.promise("P34.a")
def test_plain_http_is_redirected_to_https(production):
    status, location = production["plain"]
    assert status == 301 and location == "https://shop.example/"


@pytest.mark.promise("P34.a")
def test_https_answers_carry_hsts_and_the_security_headers(production):
    assert production["secure_status"] == 200
    headers = production["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_the_content_security_policy_is_strict(production):
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2]
        for part in production["headers"]["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["style-src"] == "'self'"
    assert "'self'" in directives["frame-src"]
    assert "https://api.playground.kustom.co" in directives["frame-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.promise("P34.a")
def test_cookies_are_secure_and_http_only(production):
    cookies = production["cookies"]
    assert cookies, "the login page sets the CSRF cookie"
    assert all(c["secure"] and c["httponly"] for c in cookies.values())


# The environment, read in-process: bad values are refused with a clear message ----------


@pytest.fixture
def production_module(monkeypatch, tmp_path):
    """``production_module(**env)``: the production settings module imported afresh with
    the required variables set and ``env`` on top (``None`` removes a variable)."""
    import importlib

    def load(**overrides):
        for name, value in _env(tmp_path, **overrides).items():
            monkeypatch.setenv(name, value)
        for name, value in overrides.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
        for module in ("tillit.settings.production", "tillit.settings.base"):
            monkeypatch.delitem(sys.modules, module, raising=False)
        return importlib.import_module("tillit.settings.production")

    return load


def _refusal(production_module, **env):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as refused:
        production_module(**env)
    return str(refused.value)


def test_thresholds_and_rate_limits_are_read_from_the_environment(production_module):
    settings = production_module(
        TILLIT_LOGIN_THROTTLE='{"failures": 3, "account_failures": 8}',
        TILLIT_IP_ABUSE='{"failures": 30, "block_hours": 48}',
        TILLIT_RATE_LIMITS='{"register": [2, 600], "privacy_request": [3, 3600]}',
    )
    assert settings.TILLIT_LOGIN_THROTTLE == {"failures": 3, "account_failures": 8}
    assert settings.TILLIT_IP_ABUSE == {"failures": 30, "block_hours": 48}
    assert settings.TILLIT_RATE_LIMITS == {"register": (2, 600), "privacy_request": (3, 3600)}


def test_unset_thresholds_keep_the_defaults(production_module):
    settings = production_module(TILLIT_LOGIN_THROTTLE=None, TILLIT_IP_ABUSE=None,
                                 TILLIT_RATE_LIMITS=None)
    for name in ("TILLIT_LOGIN_THROTTLE", "TILLIT_IP_ABUSE", "TILLIT_RATE_LIMITS"):
        assert not hasattr(settings, name)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("TILLIT_LOGIN_THROTTLE", "failures=5", "Expecting value"),
    ("TILLIT_LOGIN_THROTTLE", "[5, 15]", "expected an object"),
    ("TILLIT_LOGIN_THROTTLE", '{"failure": 5}', "unknown key(s) 'failure'"),
    ("TILLIT_LOGIN_THROTTLE", '{"failures": 0}', "failures must be a whole number"),
    ("TILLIT_LOGIN_THROTTLE", '{"failures": "5"}', "failures must be a whole number"),
    ("TILLIT_LOGIN_THROTTLE", '{"cooldown_minutes": 1.5}', "cooldown_minutes must be"),
    ("TILLIT_LOGIN_THROTTLE", '{"failures": true}', "failures must be a whole number"),
    ("TILLIT_IP_ABUSE", '{"accounts": -3}', "accounts must be a whole number"),
    ("TILLIT_IP_ABUSE", "null", "expected an object"),
    ("TILLIT_RATE_LIMITS", '{"register": 5}', "register must be [requests, seconds]"),
    ("TILLIT_RATE_LIMITS", '{"register": [5]}', "register must be [requests, seconds]"),
    ("TILLIT_RATE_LIMITS", '{"register": [5, 0]}', "register seconds must be"),
    ("TILLIT_RATE_LIMITS", '{"signup": [5, 60]}', "unknown action 'signup'"),
])
def test_a_bad_threshold_is_refused_with_a_clear_message(production_module, name, value,
                                                        says):
    message = _refusal(production_module, **{name: value})
    assert message.startswith(f"{name} is not valid: ") and says in message
    assert "Example: " in message


@pytest.mark.parametrize("hosts", [",", " , ,", " "])
def test_allowed_hosts_without_a_host_is_refused_clearly(production_module, hosts):
    message = _refusal(production_module, ALLOWED_HOSTS=hosts)
    assert "ALLOWED_HOSTS" in message


def test_a_short_hash_key_is_refused(production_module):
    message = _refusal(production_module, TILLIT_HASH_KEY="x" * 31)
    assert "TILLIT_HASH_KEY must be at least 32 characters" in message
    assert production_module(TILLIT_HASH_KEY="x" * 32).TILLIT_HASH_KEY == "x" * 32


def test_bad_thresholds_in_any_settings_fail_the_system_check(settings):
    from tillit.security.checks import check_thresholds

    assert check_thresholds() == []
    settings.TILLIT_LOGIN_THROTTLE = {"failure": 5}
    settings.TILLIT_RATE_LIMITS = {"register": (0, 60)}
    errors = check_thresholds()
    assert [e.id for e in errors] == ["tillit.security.E002"] * 2
    assert "TILLIT_LOGIN_THROTTLE" in errors[0].msg and "TILLIT_RATE_LIMITS" in errors[1].msg


def test_production_queues_tasks_in_the_database_for_the_worker(production_module):
    settings = production_module()
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings.INSTALLED_APPS


def test_production_sends_mail_from_the_worker_not_the_request(production):
    """The reset request answers having only queued a task whose one argument is a row id;
    `tillit db_worker` then runs it and the delivery it queues, and nothing waits after."""
    reset = production["reset"]
    assert reset["status"] == 302 and reset["sent_in_request"] == 0
    [[path, arguments]] = reset["queued"]
    assert path == "tillit.accounts.tasks.send_password_reset"
    assert len(arguments["args"]) == 1 and isinstance(arguments["args"][0], int)
    assert arguments["kwargs"] == {}
    assert reset["worker"] == [["tillit.accounts.tasks.send_password_reset", "SUCCESSFUL"],
                               ["tillit.core.mail.deliver", "SUCCESSFUL"]]
    assert reset["sent"] == [["anna@example.com"]] and reset["waiting"] == 0
