"""seed server-side defaults and run states

The seed's tables (pipeline_jobs, raw_data_snapshots, pipeline_runs) get the seed's server-side
defaults (a random UUID id, the initial status, zero counts, CURRENT_TIMESTAMP), and the columns
we added to them get one too (or are nullable), so the seed's own INSERT with only the required
columns works on both backends. `jobs` and `errors` become nullable, as in the seed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the model's server defaults (warehouse.types.new_uuid / empty_list).
_SQLITE_NEW_UUID = (
    "(lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2)"
    " || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || hex(randomblob(6))))"
)
_NOW = sa.text("CURRENT_TIMESTAMP")
_ZERO = sa.text("0")


def _defaults(dialect: str) -> dict[str, dict[str, sa.TextClause]]:
    """table -> column -> server default."""
    new_uuid = sa.text("gen_random_uuid()" if dialect == "postgresql" else _SQLITE_NEW_UUID)
    empty = sa.text("'{}'" if dialect == "postgresql" else "'[]'")
    return {
        "pipeline_jobs": {
            "id": new_uuid,
            "status": sa.text("'pending'"),
            "created_at": _NOW,
            "updated_at": _NOW,
        },
        "raw_data_snapshots": {
            "id": new_uuid,
            "posting_count": _ZERO,
            "new_postings": _ZERO,
            "active_postings": _ZERO,
            "disappeared_postings": _ZERO,
            "repost_count": _ZERO,
            "created_at": _NOW,
        },
        "pipeline_runs": {
            "id": new_uuid,
            "status": sa.text("'running'"),
            "total_jobs": _ZERO,
            "completed_jobs": _ZERO,
            "failed_jobs": _ZERO,
            "jobs": empty,
            "errors": empty,
            "created_at": _NOW,
            "dagster_run_ids": empty,
            "updated_at": _NOW,
        },
    }


_NULLABLE = {("pipeline_runs", "jobs"), ("pipeline_runs", "errors")}


def _sqlite_keeps_views() -> None:
    """SQLite rebuilds the tables (batch mode); the views naming them must survive the rename.

    With `legacy_alter_table` the final RENAME does not re-check the views that name the
    table, which would fail in the moment the old table is dropped and the new one not yet
    renamed; the views name the table, so they read the rebuilt one afterwards.
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA legacy_alter_table = ON")


def upgrade() -> None:
    _sqlite_keeps_views()
    for table, columns in _defaults(op.get_bind().dialect.name).items():
        with op.batch_alter_table(table) as batch_op:
            for column, default in columns.items():
                nullable = True if (table, column) in _NULLABLE else None  # None: unchanged
                batch_op.alter_column(column, server_default=default, nullable=nullable)


def downgrade() -> None:
    _sqlite_keeps_views()
    for table, columns in _defaults(op.get_bind().dialect.name).items():
        if table == "pipeline_runs":
            op.execute("UPDATE pipeline_runs SET jobs = " + _empty_sql() + " WHERE jobs IS NULL")
            op.execute(
                "UPDATE pipeline_runs SET errors = " + _empty_sql() + " WHERE errors IS NULL"
            )
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                nullable = False if (table, column) in _NULLABLE else None  # None: unchanged
                batch_op.alter_column(column, server_default=None, nullable=nullable)


def _empty_sql() -> str:
    return "'{}'" if op.get_bind().dialect.name == "postgresql" else "'[]'"
