"""order-independent history: spans of consecutive observed board-days per posting

A posting's history is derived from the spans of observed board-days on which it was listed and
from the board's observed days (its snapshots), so the order in which days are applied no longer
matters. Existing postings get one span [first_seen, last_seen] (their reappearance gaps were not
kept before this revision). efficiency_scores gets `fake_fresh_share`, the share of a board's
open postings whose board date is fake-fresh.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "posting_spans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_posting_id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_posting_spans_job_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_posting_spans_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_spans")),
    )
    op.create_index(op.f("ix_posting_spans_job_posting_id"), "posting_spans", ["job_posting_id"])
    op.create_index(
        op.f("ix_posting_spans_job_board_id_last_day"),
        "posting_spans",
        ["job_board_id", "last_day"],
    )
    op.add_column("efficiency_scores", sa.Column("fake_fresh_share", sa.Float(), nullable=True))
    op.execute(
        "INSERT INTO posting_spans (job_posting_id, job_board_id, first_day, last_day) "
        "SELECT id, job_board_id, first_seen, last_seen FROM job_postings"
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite >= 3.35): a batch copy would lose the expression index.
    op.drop_column("efficiency_scores", "fake_fresh_share")
    op.drop_index(op.f("ix_posting_spans_job_board_id_last_day"), table_name="posting_spans")
    op.drop_index(op.f("ix_posting_spans_job_posting_id"), table_name="posting_spans")
    op.drop_table("posting_spans")
