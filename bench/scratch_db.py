"""A throw-away PostgreSQL database for a benchmark: made afresh before a run, dropped
after it. The URL names the database; the server's own ``postgres`` database is used to
create and drop it."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def _admin_dsn(db: str) -> tuple[str, str]:
    parts = urlsplit(db)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def recreate(db: str) -> None:
    drop(db, then_create=True)


def drop(db: str, *, then_create: bool = False) -> None:
    import psycopg

    dsn, name = _admin_dsn(db)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if then_create:
            conn.execute(f'CREATE DATABASE "{name}"')
