"""The emulator's own database in the SQLite demo.

The real provider keeps its books in its own database, and so does the emulator when the
shop runs on SQLite: there, one writer locks the whole file, and a shop request that holds
a transaction while it calls the provider (capturing at shipment locks the order, then
calls the capture endpoint) would wait for the emulator, which waits for the file, until
SQLite gives up. With its own file, the emulator never waits for the shop. The demo
settings add the ``klarna_emulator`` database and this router; tests and PostgreSQL run
without them (one connection, or row locks, cannot deadlock this way).
"""

ALIAS = "klarna_emulator"
APP_LABEL = "klarna_emulator"


class EmulatorRouter:
    def db_for_read(self, model, **hints):
        return ALIAS if model._meta.app_label == APP_LABEL else None

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        ours = {obj._meta.app_label == APP_LABEL for obj in (obj1, obj2)}
        return True if ours == {True} else (False if len(ours) == 2 else None)

    def allow_migrate(self, db, app_label, **hints):
        if app_label == APP_LABEL:
            return db == ALIAS
        return False if db == ALIAS else None
