"""board_day_listings: every fetched listing of a board-day, believed or not

Whether a board-day is believed is decided from the board's listings around it, in any order of
arrival (`metrics.belief`), so every fetched listing is kept, including the ones not applied.
Existing snapshots are the days believed so far: each becomes a kept, believed listing with the
records its snapshot keeps.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "board_day_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("listing_date", sa.Date(), nullable=False),
        sa.Column("board_name", sa.String(255), nullable=False),
        sa.Column("posting_count", sa.Integer(), nullable=False),
        sa.Column("believed", sa.Boolean(), nullable=False),
        sa.Column("held_reason", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_board_day_listings_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_day_listings")),
        sa.UniqueConstraint(
            "job_board_id",
            "listing_date",
            name=op.f("uq_board_day_listings_job_board_id_listing_date"),
        ),
    )
    op.create_index(op.f("ix_board_day_listings_decided_on"), "board_day_listings", ["decided_on"])
    op.execute(
        "INSERT INTO board_day_listings (job_board_id, listing_date, board_name, posting_count, "
        "believed, decided_on, data, fetched_at) "
        "SELECT job_board_id, snapshot_date, board_name, posting_count, TRUE, snapshot_date, "
        "data, created_at FROM raw_data_snapshots WHERE data IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_board_day_listings_decided_on"), table_name="board_day_listings")
    op.drop_table("board_day_listings")
