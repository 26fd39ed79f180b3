"""pipeline_runs.worked_seconds: how long an execution's runs worked, apart from its span

A failed day repaired hours later by a re-execution is one execution whose span (`end_time -
start_time`) covers the hours nobody worked on it: 14 min 51 s for a 25-second day. The mirror
writes the time its runs worked (the union of their run times); the run history's duration and
the statistics read it, and rows other clients write without it fall back to the span.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:45:00
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# pipeline_runs' columns as 0008 left them, `jobs` last on SQLite (see 0008).
RUN_COLUMNS = (
    "id",
    "run_id",
    "status",
    "start_time",
    "end_time",
    "total_jobs",
    "completed_jobs",
    "failed_jobs",
    "errors",
    "created_at",
    "trigger",
    "dagster_run_ids",
    "updated_at",
)

PAGES = sa.table(
    "pipeline_run_job_pages",
    sa.column("run_id", sa.String()),
    sa.column("jobs_page", sa.JSON()),
    sa.column("job_count", sa.Integer()),
)


@contextmanager
def _pages_kept() -> Iterator[None]:
    """Rebuilding pipeline_runs on SQLite drops the old table, which deletes the job pages that
    reference it (ON DELETE CASCADE; the pragma that would stop it cannot change inside the
    migration's transaction): keep them aside and write them back."""
    connection = op.get_bind()
    pages = connection.execute(sa.select(PAGES)).all()
    op.execute("PRAGMA legacy_alter_table = ON")  # the views naming the table survive (see 0006)
    yield
    connection.execute(sa.delete(PAGES))
    if pages:
        op.bulk_insert(PAGES, [dict(page._mapping) for page in pages])


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.add_column("pipeline_runs", sa.Column("worked_seconds", sa.Float()))
        return
    # SQLite appends a new column after `jobs`, whose overflow pages reading it would walk, so
    # the table is rebuilt with it before `jobs`.
    with (
        _pages_kept(),
        op.batch_alter_table(
            "pipeline_runs",
            recreate="always",
            partial_reordering=[(*RUN_COLUMNS, "worked_seconds", "jobs")],
        ) as batch_op,
    ):
        batch_op.add_column(sa.Column("worked_seconds", sa.Float()))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("pipeline_runs", "worked_seconds")
        return
    with _pages_kept(), op.batch_alter_table("pipeline_runs") as batch_op:
        batch_op.drop_column("worked_seconds")
