"""lifespan report: the tables /api/lifespan answers from

The API used to load every posting into its own memory and compute the lifespan report per
request (0.9 GB and seconds cold at 1M postings). The `lifespan_metrics` asset now writes the
report (per cut: all postings or one workplace type) into these three tables, which the API reads
with indexed queries of at most a page of rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# A frozen copy of the model's timestamp type, so this file never changes when the models do.
TIMESTAMPTZ = sa.DateTime(timezone=True)


def _report_table(table: str, *columns: sa.schema.SchemaItem, board_nullable: bool = True) -> None:
    """A report table: id, cut, the board (cascading with it), `columns`, created_at."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cut", sa.String(length=10), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=board_nullable),
        *columns,
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f(f"fk_{table}_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )


def upgrade() -> None:
    _report_table(
        "lifespan_report_groups",
        sa.Column("role_family", sa.String(length=100), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("active_postings", sa.Integer(), nullable=False),
        sa.Column("closed_postings", sa.Integer(), nullable=False),
        sa.Column("left_censored_postings", sa.Integer(), nullable=False),
        sa.Column("lifespan_mean_days", sa.Float(), nullable=True),
        sa.Column("lifespan_median_days", sa.Float(), nullable=True),
        sa.Column("lifespan_p25_days", sa.Float(), nullable=True),
        sa.Column("lifespan_p75_days", sa.Float(), nullable=True),
        sa.Column("lifespan_min_days", sa.Integer(), nullable=True),
        sa.Column("lifespan_max_days", sa.Integer(), nullable=True),
        sa.Column("active_age_mean_days", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("km_median_days", sa.Integer(), nullable=True),
        sa.Column("km_median_reached", sa.Boolean(), nullable=True),
        sa.Column("km_median_floor_days", sa.Integer(), nullable=True),
        sa.Column("km_p75_days", sa.Integer(), nullable=True),
        sa.Column("distinct_boards", sa.Integer(), nullable=True),
        sa.Column("most_common_board_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(job_board_id IS NULL) <> (role_family IS NULL)",
            name=op.f("ck_lifespan_report_groups_one_scope"),
        ),
    )
    op.create_index(
        op.f("ix_lifespan_report_groups_cut_job_board_id"),
        "lifespan_report_groups",
        ["cut", "job_board_id"],
    )
    op.create_index(
        op.f("ix_lifespan_report_groups_cut_role_family_position"),
        "lifespan_report_groups",
        ["cut", "role_family", "position"],
    )
    _report_table(
        "lifespan_report_buckets",
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("min_days", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=True),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=True),
    )
    op.create_index(
        op.f("ix_lifespan_report_buckets_cut_job_board_id_min_days"),
        "lifespan_report_buckets",
        ["cut", "job_board_id", "min_days"],
    )
    _report_table(
        "lifespan_report_trends",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("active_postings", sa.Integer(), nullable=False),
        sa.Column("new_postings", sa.Integer(), nullable=False),
        sa.Column("disappeared_postings", sa.Integer(), nullable=False),
        sa.Column("active_age_mean_days", sa.Float(), nullable=True),
        board_nullable=False,
    )
    op.create_index(
        op.f("ix_lifespan_report_trends_cut_day_job_board_id"),
        "lifespan_report_trends",
        ["cut", "day", "job_board_id"],
        unique=True,
    )
    op.create_index(
        op.f("ix_lifespan_report_trends_cut_job_board_id_day"),
        "lifespan_report_trends",
        ["cut", "job_board_id", "day"],
    )


def downgrade() -> None:
    for table in ("lifespan_report_trends", "lifespan_report_buckets", "lifespan_report_groups"):
        op.drop_table(table)
