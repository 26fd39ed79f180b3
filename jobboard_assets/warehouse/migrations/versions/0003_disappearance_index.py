"""covering index for the daily_lifespan_trends view

The view averages the lifespans of the postings that disappeared per board and day; with an
index on (job_board_id, disappeared_at, lifespan_days) that aggregate reads the index in order
instead of sorting the table (1M postings, 365k snapshots: 3.7 s -> 1.6 s on SQLite).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 21:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_job_postings_job_board_id_disappeared_at_lifespan_days"


def upgrade() -> None:
    op.create_index(INDEX, "job_postings", ["job_board_id", "disappeared_at", "lifespan_days"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="job_postings")
