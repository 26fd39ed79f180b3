"""lifespan and repost analytics: daily tables of the two analytics assets, and day 9/10's views

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:53:26.499553
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the model types and of day 9's buckets, so this file never changes when the
# models or the settings do.
TIMESTAMPTZ = sa.DateTime(timezone=True)
LIFESPAN_BUCKETS = (
    ("0-7", 0, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)
TABLES = ("lifespan_metrics", "lifespan_distribution", "repost_frequency")


def _scope_columns() -> list[SchemaItem]:
    """The id, the day and the scope (one board or one role family), first in every table."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric_date", sa.Date(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=True),
        sa.Column("role_family", sa.String(length=100), nullable=True),
    ]


def _scope_constraints(table: str) -> list[SchemaItem]:
    """created_at, the one-scope check, the board foreign key and the primary key."""
    return [
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.CheckConstraint(
            "(job_board_id IS NULL) <> (role_family IS NULL)", name=op.f(f"ck_{table}_one_scope")
        ),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f(f"fk_{table}_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "lifespan_metrics",
        *_scope_columns(),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("active_postings", sa.Integer(), nullable=False),
        sa.Column("closed_postings", sa.Integer(), nullable=False),
        sa.Column("left_censored_postings", sa.Integer(), nullable=False),
        sa.Column("exact_closed_postings", sa.Integer(), nullable=False),
        sa.Column("lifespan_mean_days", sa.Float(), nullable=True),
        sa.Column("lifespan_median_days", sa.Float(), nullable=True),
        sa.Column("lifespan_p25_days", sa.Float(), nullable=True),
        sa.Column("lifespan_p75_days", sa.Float(), nullable=True),
        sa.Column("lifespan_p90_days", sa.Float(), nullable=True),
        sa.Column("lifespan_min_days", sa.Integer(), nullable=True),
        sa.Column("lifespan_max_days", sa.Integer(), nullable=True),
        sa.Column("km_median_days", sa.Integer(), nullable=True),
        sa.Column("km_median_reached", sa.Boolean(), nullable=False),
        sa.Column("km_median_floor_days", sa.Integer(), nullable=True),
        sa.Column("km_p75_days", sa.Integer(), nullable=True),
        sa.Column("active_age_mean_days", sa.Float(), nullable=True),
        sa.Column("active_share_over_30d", sa.Float(), nullable=True),
        sa.Column("active_share_over_60d", sa.Float(), nullable=True),
        sa.Column("active_share_over_90d", sa.Float(), nullable=True),
        *_scope_constraints("lifespan_metrics"),
    )
    op.create_table(
        "lifespan_distribution",
        *_scope_columns(),
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("min_days", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=True),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=True),
        *_scope_constraints("lifespan_distribution"),
    )
    op.create_table(
        "repost_frequency",
        *_scope_columns(),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("clustered_postings", sa.Integer(), nullable=False),
        sa.Column("repost_clusters", sa.Integer(), nullable=False),
        sa.Column("repost_rate_pct", sa.Float(), nullable=False),
        sa.Column("median_repost_gap_days", sa.Float(), nullable=True),
        sa.Column("chronic_clusters", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        *_scope_constraints("repost_frequency"),
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_job_board_id"), ["job_board_id"], unique=False
            )
            batch_op.create_index(
                batch_op.f(f"ix_{table}_metric_date"), ["metric_date"], unique=False
            )
        op.create_index(
            f"uq_{table}_date_scope",
            table,
            [
                "metric_date",
                sa.text("coalesce(job_board_id, 0)"),
                sa.text("coalesce(role_family, '')"),
                *(["bucket"] if table == "lifespan_distribution" else []),
            ],
            unique=True,
        )
    for name, sql in _views().items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in reversed(list(_views())):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in reversed(TABLES):
        op.drop_index(f"uq_{table}_date_scope", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_metric_date"))
            batch_op.drop_index(batch_op.f(f"ix_{table}_job_board_id"))
        op.drop_table(table)


_LIFESPAN_COLUMNS = """
    m.postings, m.active_postings, m.closed_postings, m.left_censored_postings,
    m.exact_closed_postings, m.lifespan_mean_days, m.lifespan_median_days, m.lifespan_p25_days,
    m.lifespan_p75_days, m.lifespan_p90_days, m.lifespan_min_days, m.lifespan_max_days,
    m.km_median_days, m.km_median_reached, m.km_median_floor_days, m.km_p75_days,
    m.active_age_mean_days, m.active_share_over_30d, m.active_share_over_60d,
    m.active_share_over_90d"""


def _latest(table: str, scope: str) -> str:
    """Rows of the newest day `table` has for this scope."""
    return (
        f"m.{scope} IS NOT NULL AND m.metric_date = "
        f"(SELECT MAX(metric_date) FROM {table} WHERE {scope} IS NOT NULL)"
    )


def _views() -> dict[str, str]:
    """Day 9's and day 10's views. No dialect differs: shares are cast to DOUBLE PRECISION
    (REAL affinity on SQLite, float8 on PostgreSQL) so both return the same floats, and the
    percentiles come from the tables, since SQLite has no percentile_cont."""
    buckets = " UNION ALL ".join(
        f"SELECT '{label}' AS bucket, {low} AS min_days, "
        f"{'NULL' if high is None else high} AS max_days"
        for label, low, high in LIFESPAN_BUCKETS
    )
    return {
        # The newest day's lifespan row of each board (the `lifespan_metrics` asset).
        "board_lifespan_stats": f"""
            SELECT m.metric_date, m.job_board_id, b.name AS board_name, {_LIFESPAN_COLUMNS}
            FROM lifespan_metrics m
            JOIN job_boards b ON b.id = m.job_board_id
            WHERE {_latest("lifespan_metrics", "job_board_id")}""",
        # The newest day's lifespan row of each role family, with the boards it was seen on.
        "role_family_lifespan_stats": f"""
            SELECT m.metric_date, m.role_family, {_LIFESPAN_COLUMNS},
                   (SELECT COUNT(DISTINCT p.job_board_id) FROM job_postings p
                    WHERE p.role_family = m.role_family AND p.first_seen <= m.metric_date)
                       AS distinct_boards
            FROM lifespan_metrics m
            WHERE {_latest("lifespan_metrics", "role_family")}""",
        # Closed postings per bucket and board, from job_postings.lifespan_days as it is now.
        # Left-censored postings (first seen on the first tracking day) are left out, as in the
        # metrics: their lifespan is only a lower bound. Every bucket of every board is listed.
        "lifespan_distribution_buckets": f"""
            WITH buckets AS ({buckets}),
            exact_closed AS (
                SELECT job_board_id, lifespan_days FROM job_postings
                WHERE NOT is_active AND lifespan_days IS NOT NULL
                  AND first_seen > (SELECT MIN(first_seen) FROM job_postings)
            ),
            counted AS (
                SELECT c.job_board_id, k.bucket, COUNT(*) AS postings
                FROM exact_closed c
                JOIN buckets k ON c.lifespan_days >= k.min_days
                              AND (k.max_days IS NULL OR c.lifespan_days <= k.max_days)
                GROUP BY c.job_board_id, k.bucket
            )
            SELECT b.id AS job_board_id, b.name AS board_name, k.bucket, k.min_days, k.max_days,
                   COALESCE(n.postings, 0) AS postings,
                   CAST(100.0 * COALESCE(n.postings, 0) AS DOUBLE PRECISION)
                       / NULLIF(SUM(COALESCE(n.postings, 0)) OVER (PARTITION BY b.id), 0)
                       AS percentage
            FROM job_boards b
            CROSS JOIN buckets k
            LEFT JOIN counted n ON n.job_board_id = b.id AND n.bucket = k.bucket
            WHERE EXISTS (SELECT 1 FROM job_postings p WHERE p.job_board_id = b.id)""",
        # Each board's daily counts from its snapshots, with the mean lifespan of the postings
        # found gone that day (day 9's trend).
        "daily_lifespan_trends": """
            SELECT s.snapshot_date AS day, s.job_board_id, b.name AS board_name,
                   s.posting_count, s.new_postings, s.disappeared_postings, s.active_postings,
                   gone.lifespan_mean_days AS disappeared_lifespan_mean_days
            FROM raw_data_snapshots s
            JOIN job_boards b ON b.id = s.job_board_id
            LEFT JOIN (
                SELECT job_board_id, disappeared_at,
                       AVG(CAST(lifespan_days AS DOUBLE PRECISION)) AS lifespan_mean_days
                FROM job_postings
                WHERE disappeared_at IS NOT NULL
                GROUP BY job_board_id, disappeared_at
            ) gone ON gone.job_board_id = s.job_board_id AND gone.disappeared_at = s.snapshot_date""",
        # The newest day's repost frequency of each board (the `repost_frequency` asset).
        "board_repost_frequency_stats": f"""
            SELECT m.metric_date, m.job_board_id, b.name AS board_name, m.postings, m.reposts,
                   m.clustered_postings, m.repost_clusters, m.repost_rate_pct,
                   m.median_repost_gap_days, m.chronic_clusters, m.flagged
            FROM repost_frequency m
            JOIN job_boards b ON b.id = m.job_board_id
            WHERE {_latest("repost_frequency", "job_board_id")}""",
    }
