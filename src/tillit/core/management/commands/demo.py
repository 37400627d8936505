"""``tillit demo``: set up and serve the demo shop in one command.

Migrates the database (SQLite under var/ unless --db or DATABASE_URL says otherwise),
loads the demo shop idempotently, collects static files and serves the shop with gunicorn
on 127.0.0.1. Each step runs as its own process so that --db takes effect everywhere.

The checkout talks to the Klarna emulator over HTTP, exactly as to the real provider. The
emulator runs in a second gunicorn on a port of its own (``--emulator-port``, default a
free one), with the same code and settings: were the shop to call itself, every checkout
request would hold a thread while waiting for another, and a burst of buyers could occupy
all threads with requests that wait for the emulator requests queued behind them (measured:
32 simultaneous checkout loads on 2 workers × 4 threads, half of them failed after 20 s).
The buyer's browser frames the emulator's page from that port, as it would Kustom's host.
``TILLIT_PUBLIC_URL`` (the shop, with its real port) and ``KLARNA_BASE_URL`` (the emulator)
are exported to both servers. With ``KLARNA_BASE_URL`` already set, no emulator server is
started and the demo uses that provider. Stopping the command stops both servers.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def public_url(host: str, port: int) -> str:
    """The address the demo is reached at; a wildcard bind is reached on the loopback."""
    if host in ("", "0.0.0.0"):  # noqa: S104 (mapped to the loopback, not bound)
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host.strip("[]") or "127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(host: str, port: int, workers: int, threads: int, env: dict, *,
              access_log: bool) -> subprocess.Popen:
    argv = [sys.executable, "-m", "gunicorn", "tillit.wsgi:application",
            "--config", "python:tillit.gunicorn_conf",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--log-level", "warning"]
    if access_log:
        argv += ["--access-logfile", "-"]
    return subprocess.Popen(argv, env=env)


def _wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float = 60):
    """Until the server accepts connections (so the shop's first checkout finds it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError("The Klarna emulator's server did not start.")
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise CommandError("The Klarna emulator's server did not answer in time.")


def _supervise(servers: list[subprocess.Popen]) -> int:
    """Run until a server stops or we are told to stop; then stop them all."""

    def stop(signum, frame):
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(server.poll() is None for server in servers):
        time.sleep(0.5)
    stop(None, None)
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return next((s.returncode for s in servers if s.returncode), 0)


class Command(BaseCommand):
    help = "Create/migrate the demo database, load the demo shop and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--db", type=Path, default=None,
                            help="SQLite database file (default: var/tillit.sqlite3)")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--emulator-port", type=int, default=0,
                            help="port of the Klarna emulator's server (default: a free one)")
        parser.add_argument("--public-url", default=None,
                            help="the shop's address as browsers and the emulator's push "
                                 "reach it (default: http://HOST:PORT)")
        parser.add_argument("--no-serve", action="store_true",
                            help="set up the database and static files, then stop")

    def handle(self, *args, **options):
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        if not getattr(settings, "TILLIT_DEMO", False):
            raise CommandError("`tillit demo` runs only with demo settings "
                               "(DJANGO_SETTINGS_MODULE=tillit.settings.demo).")
        env = dict(os.environ)
        env["TILLIT_PUBLIC_URL"] = (options["public_url"]
                                    or public_url(options["host"], options["port"])).rstrip("/")
        env.setdefault("DJANGO_SETTINGS_MODULE", "tillit.settings.demo")
        if options["db"] or "DATABASE_URL" not in env:
            db = (options["db"] or settings.VAR_DIR / "tillit.sqlite3").resolve()
            db.parent.mkdir(parents=True, exist_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{db}"
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)

        def tillit(*argv):
            result = subprocess.run([sys.executable, "-m", "tillit", *argv], env=env, check=False)
            if result.returncode:
                raise CommandError(f"`tillit {' '.join(argv)}` failed.")

        self.stdout.write("Preparing the database and the demo shop ...")
        tillit("migrate", "--noinput", "-v0")
        if env["DATABASE_URL"].startswith("sqlite"):
            # The Klarna emulator's own file (settings/demo.py says why).
            tillit("migrate", "--database", "klarna_emulator", "--noinput", "-v0")
        tillit("loaddemo")
        tillit("collectstatic", "--noinput", "-v0")

        emulator = None
        if "KLARNA_BASE_URL" not in os.environ:
            emulator = options["emulator_port"] or _free_port(options["host"])
            if emulator == options["port"] or not 0 < emulator < 65536:
                raise CommandError("--emulator-port must be a free port other than --port.")
            shop_host = urlsplit(env["TILLIT_PUBLIC_URL"]).hostname or "127.0.0.1"
            env["KLARNA_BASE_URL"] = (public_url(shop_host, emulator).rstrip("/")
                                      + "/klarna-emulator")
            # The SMS gateway's emulator answers from the same server (settings/demo.py).
            env.setdefault("SMS_BASE_URL", public_url(shop_host, emulator).rstrip("/")
                           + "/sms-emulator")
        url = env["TILLIT_PUBLIC_URL"] + "/"
        self._print_welcome(url, env["DATABASE_URL"], env.get("KLARNA_BASE_URL", ""),
                            bool(emulator), serving=not options["no_serve"])
        if options["no_serve"]:
            return
        sys.stdout.flush()
        servers = []
        if emulator:
            servers.append(_gunicorn(options["host"], emulator, 1, 4, env, access_log=False))
            _wait_for_port(options["host"], emulator, servers[0])
        servers.append(_gunicorn(options["host"], options["port"], options["workers"],
                                 options["threads"], env, access_log=True))
        raise SystemExit(_supervise(servers))

    def _print_welcome(self, url: str, database_url: str, provider_url: str = "",
                       emulated: bool = True, serving: bool = True) -> None:
        """The addresses and demo logins; how to stop the servers, or, with ``serving``
        false (``--no-serve``), that nothing was started."""
        from tillit.core import demo

        lines = [
            "",
            f"  Teknikboden demo shop: {url}",
            f"  Privacy policy:        {url}integritetspolicy",
            f"  Demo mailbox:          {url}demo/mailbox/ (activation and reset links)",
            f"  Demo SMS inbox:        {url}sms-emulator/inbox/ (offers by SMS; answer STOPP)",
            (f"  Payments:              Klarna emulator {provider_url} (no real payment)"
             if emulated else f"  Payments:              {provider_url}"),
            f"  Staff admin:           {url}admin/",
            "  Staff two-factor:      off in the demo (no TOTP code); production requires it,",
            "                         enrolled with `tillit security totp-enrol USER`",
            f"  Database:              {_without_password(database_url)}",
            "",
            "  Demo logins:",
        ]
        lines += [f"    {role:<10} user {username:<12} password {password}"
                  for role, username, password in demo.logins()]
        lines += ["", "  Stop with Ctrl+C." if serving else
                  "  Set up only (--no-serve): nothing is running. `tillit demo` serves it.", ""]
        self.stdout.write("\n".join(lines))
