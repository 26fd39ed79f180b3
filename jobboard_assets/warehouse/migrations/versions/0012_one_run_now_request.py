"""a unique index: at most one Run Now request waiting to be launched

The API refused a second Run Now while one was running by checking, then inserting, under a lock
inside one API process: two API processes on one warehouse could each accept a request at the
same moment and scrape every board twice. The database now decides: a partial unique index
admits one `running` API execution that no Dagster run has taken up yet (`total_jobs = 0`); the
second insert fails and that request is answered 409.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

NAME = "uq_pipeline_runs_one_waiting_request"
WAITING = "trigger = 'api' AND status = 'running' AND total_jobs = 0"


def upgrade() -> None:
    # Requests older than the newest waiting one were never launched (the API expires them):
    # fail them so the index can hold.
    op.execute(
        f"""UPDATE pipeline_runs SET status = 'failed', end_time = CURRENT_TIMESTAMP
        WHERE {WAITING} AND start_time < (
            SELECT MAX(start_time) FROM pipeline_runs WHERE {WAITING})"""
    )
    op.create_index(
        NAME,
        "pipeline_runs",
        ["trigger"],
        unique=True,
        sqlite_where=sa.text(WAITING),
        postgresql_where=sa.text(WAITING),
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="pipeline_runs")
