"""Unicode case folding for the SQLite search fallback.

SQLite's ``LIKE`` ignores the case of ASCII letters only, so "FJÄLLTON" would not find
"Fjällton". Each SQLite connection gets a ``tillit_casefold`` function (Python's
``str.casefold``); the search compares folded text with a folded query. PostgreSQL needs
none of this: its full-text search and ``UPPER`` know every alphabet.
"""

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

SQL_FUNCTION = "tillit_casefold"


def _casefold(value):
    return value.casefold() if isinstance(value, str) else value


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: add the function to every new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, _casefold, deterministic=True)


def connect_signal() -> None:
    connection_created.connect(register, dispatch_uid="tillit.catalog.casefold")


class Casefold(Func):
    """``tillit_casefold(expression)``: the text case-folded (SQLite only)."""

    function = SQL_FUNCTION
    output_field = TextField()
