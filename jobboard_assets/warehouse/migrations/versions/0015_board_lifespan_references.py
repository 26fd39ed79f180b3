"""board_lifespan_references: each board's median and p90 lifespan per role family, stored

`GET /api/postings/{id}` compared a posting's age with its board's Kaplan-Meier median and 90th
percentile for its role family, estimated from the board's postings on every request (20-50 ms
alone at 1M postings). The history run's `lifespan_metrics` step now writes them here, one row
per board and role family, and the evidence reads one row by index. Empty until the next
history run (or `jobboard db lifespan-report`).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "board_lifespan_references"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("role_family", sa.String(length=50), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("estimate_postings", sa.Integer(), nullable=True),
        sa.Column("median_days", sa.Integer(), nullable=True),
        sa.Column("p90_days", sa.Integer(), nullable=True),
        sa.Column("median_floor_days", sa.Integer(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_board_lifespan_references_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_lifespan_references")),
    )
    op.create_index(
        op.f("ix_board_lifespan_references_job_board_id_role_family"),
        TABLE,
        ["job_board_id", "role_family"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_board_lifespan_references_job_board_id_role_family"), table_name=TABLE)
    op.drop_table(TABLE)
