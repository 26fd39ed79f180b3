"""Writes that must behave the same on PostgreSQL and SQLite: upserts and day replacements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(
    session: Session | Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    update_columns: Sequence[str] | None = None,
) -> None:
    """Insert rows; where `conflict_columns` already exist, overwrite `update_columns`.

    `session` may be a Connection too (a mapper event's, which must not use the Session).

    With no `update_columns` every inserted column except the conflict key is overwritten.
    """
    if not rows:
        return
    bind = session if isinstance(session, Connection) else session.get_bind()
    dialect = sqlite if bind.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    columns = update_columns or [c for c in rows[0] if c not in conflict_columns]
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict_columns),
        set_={name: statement.excluded[name] for name in columns},
    )
    session.execute(statement, list(rows))


def lock_for_replace(connection: Connection, table: Table) -> None:
    """Serialize delete-then-insert replacements of a table's days across writers.

    Two writers replacing the same day would each delete, then both insert: duplicates, or a
    unique violation. On PostgreSQL a SHARE ROW EXCLUSIVE lock makes the second wait (readers are
    not blocked); SQLite already serializes writers from their first write.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE'))
