"""run job pages: the part of a run's job list the run history shows, stored apart

`/api/pipeline?action=history` decoded every listed run's whole `pipeline_runs.jobs` (~150 KB of
JSON for a 1,000-board run) on each request to pick its first 20 jobs, failed ones first; on
SQLite reading the columns stored after `jobs` also walks its overflow pages. The page and the
list's length are now written with the list, into `pipeline_run_job_pages`, and this fills them
for the runs already stored. `jobs` stays as it is (a seed column), but on SQLite it moves to the
end of the row.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from jobboard_assets.warehouse.queries.job_pages import job_page

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies of the model's types and page size, so this file never changes when they do;
# the page itself is `job_pages.job_page`, the one derivation every writer uses.
# pipeline_runs' columns with `jobs` last (SQLite only): see `_sqlite_moves_jobs_last`.
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
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
JSON_LIST = sa.JSON().with_variant(postgresql.ARRAY(postgresql.JSONB()), "postgresql")
PAGE_SIZE = 20
BATCH = 50  # runs read at a time: ~150 KB of jobs each for a 1,000-board run


def _sqlite_reorders(columns: tuple[str, ...]) -> None:
    """Rebuild pipeline_runs on SQLite with its columns in this order (PostgreSQL keeps a long
    list out of line, TOAST, so its column order does not matter)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("PRAGMA legacy_alter_table = ON")  # the views naming it survive (see 0006)
    with op.batch_alter_table(
        "pipeline_runs", recreate="always", partial_reordering=[columns]
    ) as batch_op:
        batch_op.alter_column("jobs")  # nothing changes but the order


def upgrade() -> None:
    # SQLite stores a row's columns in order, and a ~150 KB list overflows into a chain of pages:
    # reading any column after it (errors, trigger, ...) walked that chain, so `jobs` goes last.
    _sqlite_reorders((*RUN_COLUMNS, "jobs"))
    pages = op.create_table(
        "pipeline_run_job_pages",
        sa.Column("run_id", sa.String(length=255), nullable=False),
        sa.Column("jobs_page", JSON_DOCUMENT, nullable=False),
        sa.Column("job_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_runs.run_id"],
            name=op.f("fk_pipeline_run_job_pages_run_id_pipeline_runs"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_pipeline_run_job_pages")),
    )
    runs = sa.table("pipeline_runs", sa.column("run_id", sa.String()), sa.column("jobs", JSON_LIST))
    connection = op.get_bind()
    run_ids = list(connection.scalars(sa.select(runs.c.run_id).order_by(runs.c.run_id)))
    for start in range(0, len(run_ids), BATCH):
        batch = run_ids[start : start + BATCH]
        rows = []
        for run_id, jobs in connection.execute(
            sa.select(runs.c.run_id, runs.c.jobs).where(runs.c.run_id.in_(batch))
        ):
            page, count = job_page(jobs, PAGE_SIZE)
            rows.append({"run_id": run_id, "jobs_page": page, "job_count": count})
        op.bulk_insert(pages, rows)


def downgrade() -> None:
    op.drop_table("pipeline_run_job_pages")
    _sqlite_reorders((*RUN_COLUMNS[:8], "jobs", *RUN_COLUMNS[8:]))
