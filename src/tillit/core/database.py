"""The state of the database, for commands that need its tables."""

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def require_migrated(using: str = DEFAULT_DB_ALIAS) -> None:
    """Return if every migration is applied to the database ``using``; otherwise raise
    :class:`CommandError` saying to run ``tillit migrate`` first (or that the database
    cannot be reached), so a command fails with one clear line instead of a traceback
    about a missing table."""
    try:
        executor = MigrationExecutor(connections[using])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(
            f"Cannot read the database ({exc}). Check that it is running and that "
            f"DATABASE_URL points at it."
        ) from exc
    if plan:
        first = plan[0][0]
        raise CommandError(
            f"The database has not been migrated: {len(plan)} migration(s) are not applied "
            f"(the first is {first.app_label}.{first.name}). Run `tillit migrate` first."
        )
