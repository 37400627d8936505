"""``tillit demo``: set up and serve the demo shop in one command.

Migrates the database (SQLite under var/ unless --db or DATABASE_URL says otherwise),
loads the demo shop idempotently, collects static files and serves the shop with gunicorn
on 127.0.0.1. Each step runs as its own process so that --db takes effect everywhere.
"""

import os
import subprocess
import sys
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


class Command(BaseCommand):
    help = "Create/migrate the demo database, load the demo shop and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--db", type=Path, default=None,
                            help="SQLite database file (default: var/tillit.sqlite3)")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-serve", action="store_true",
                            help="set up the database and static files, then stop")

    def handle(self, *args, **options):
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        if not getattr(settings, "TILLIT_DEMO", False):
            raise CommandError("`tillit demo` runs only with demo settings "
                               "(DJANGO_SETTINGS_MODULE=tillit.settings.demo).")
        env = dict(os.environ)
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
        tillit("loaddemo")
        tillit("collectstatic", "--noinput", "-v0")

        url = f"http://{options['host']}:{options['port']}/"
        self._print_welcome(url, env["DATABASE_URL"])
        if options["no_serve"]:
            return
        sys.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "tillit.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]), "--threads", str(options["threads"]),
            "--access-logfile", "-", "--log-level", "warning",
        ]
        os.execve(sys.executable, argv, env)  # noqa: S606 (gunicorn replaces this process)

    def _print_welcome(self, url: str, database_url: str) -> None:
        from tillit.accounts.demo import DEMO_LOGINS

        lines = [
            "",
            f"  Teknikboden demo shop: {url}",
            f"  Privacy policy:        {url}integritetspolicy",
            f"  Demo mailbox:          {url}demo/mailbox/",
            f"  Staff admin:           {url}admin/",
            "  Staff two-factor:      off in the demo (no TOTP code); production requires it",
            f"  Database:              {_without_password(database_url)}",
            "",
            "  Demo logins:",
        ]
        lines += [f"    {role:<10} user {username:<12} password {password}"
                  for role, username, password in DEMO_LOGINS]
        lines += ["", "  Stop with Ctrl+C.", ""]
        self.stdout.write("\n".join(lines))
