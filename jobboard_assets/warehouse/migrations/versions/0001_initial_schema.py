"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 18:12:46.649062
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the model types, so this file never changes when the models do.
TIMESTAMPTZ = sa.DateTime(timezone=True)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TEXT_LIST = sa.JSON().with_variant(postgresql.ARRAY(sa.Text()), "postgresql")
JSON_LIST = sa.JSON().with_variant(postgresql.ARRAY(postgresql.JSONB()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "job_boards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("options", JSON_DOCUMENT, nullable=False),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_boards")),
        sa.UniqueConstraint("slug", name=op.f("uq_job_boards_slug")),
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start_time", TIMESTAMPTZ, nullable=False),
        sa.Column("end_time", TIMESTAMPTZ, nullable=True),
        sa.Column("total_jobs", sa.Integer(), nullable=False),
        sa.Column("completed_jobs", sa.Integer(), nullable=False),
        sa.Column("failed_jobs", sa.Integer(), nullable=False),
        sa.Column("jobs", JSON_LIST, nullable=False),
        sa.Column("errors", TEXT_LIST, nullable=False),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.Column("trigger", sa.String(length=50), nullable=True),
        sa.Column("dagster_run_ids", TEXT_LIST, nullable=False),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_runs")),
        sa.UniqueConstraint("run_id", name=op.f("uq_pipeline_runs_run_id")),
    )
    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pipeline_runs_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pipeline_runs_start_time"), ["start_time"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pipeline_runs_status"), ["status"], unique=False)

    op.create_table(
        "candidate_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("candidate_name", sa.String(length=255), nullable=True),
        sa.Column("contact_email", sa.String(length=255), nullable=True),
        sa.Column("job_board_experience", sa.Integer(), nullable=True),
        sa.Column("posting_relevance", sa.Integer(), nullable=True),
        sa.Column("ease_of_application", sa.Integer(), nullable=True),
        sa.Column("likelihood_recommend", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("submitted_at", TIMESTAMPTZ, nullable=False),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_candidate_surveys_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_surveys")),
    )
    with op.batch_alter_table("candidate_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_surveys_job_board_id"), ["job_board_id"], unique=False
        )

    op.create_table(
        "efficiency_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("score_date", sa.Date(), nullable=False),
        sa.Column(
            "overall_score", sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column(
            "lifespan_score", sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True
        ),
        sa.Column("repost_score", sa.Numeric(precision=5, scale=2, asdecimal=False), nullable=True),
        sa.Column(
            "employer_survey_score",
            sa.Numeric(precision=5, scale=2, asdecimal=False),
            nullable=True,
        ),
        sa.Column(
            "candidate_survey_score",
            sa.Numeric(precision=5, scale=2, asdecimal=False),
            nullable=True,
        ),
        sa.Column("quality_adjustment", sa.Float(), nullable=True),
        sa.Column("data_completeness", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=3), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("trend", sa.Float(), nullable=True),
        sa.Column("role_family", sa.String(length=100), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("details", JSON_DOCUMENT, nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_efficiency_scores_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efficiency_scores")),
    )
    with op.batch_alter_table("efficiency_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_efficiency_scores_job_board_id"), ["job_board_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_efficiency_scores_score_date"), ["score_date"], unique=False
        )

    op.create_table(
        "employer_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=255), nullable=False),
        sa.Column("contact_email", sa.String(length=255), nullable=True),
        sa.Column("hiring_effectiveness", sa.Integer(), nullable=True),
        sa.Column("fill_time_days", sa.Integer(), nullable=True),
        sa.Column("candidate_quality", sa.String(length=100), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("submitted_at", TIMESTAMPTZ, nullable=False),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_employer_surveys_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_surveys")),
    )
    with op.batch_alter_table("employer_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employer_surveys_job_board_id"), ["job_board_id"], unique=False
        )

    op.create_table(
        "job_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("normalized_title", sa.Text(), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("department", sa.String(length=255), nullable=True),
        sa.Column("role_family", sa.String(length=50), nullable=True),
        sa.Column("remote", sa.Boolean(), nullable=True),
        sa.Column("posted_at", TIMESTAMPTZ, nullable=True),
        sa.Column("first_seen", sa.Date(), nullable=False),
        sa.Column("last_seen", sa.Date(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("disappeared_at", sa.Date(), nullable=True),
        sa.Column("lifespan_days", sa.Integer(), nullable=True),
        sa.Column("repost_cluster_id", sa.Integer(), nullable=True),
        sa.Column("repost_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_job_postings_job_board_id_job_boards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_postings")),
        sa.UniqueConstraint(
            "job_board_id", "external_id", name=op.f("uq_job_postings_job_board_id_external_id")
        ),
    )
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_job_postings_first_seen"), ["first_seen"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_postings_job_board_id_is_active"),
            ["job_board_id", "is_active"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_job_postings_last_seen"), ["last_seen"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_job_postings_repost_cluster_id"), ["repost_cluster_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_job_postings_role_family"), ["role_family"], unique=False
        )

    op.create_table(
        "pipeline_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_type", sa.String(length=50), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=True),
        sa.Column("board_name", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", TIMESTAMPTZ, nullable=True),
        sa.Column("completed_at", TIMESTAMPTZ, nullable=True),
        sa.Column("result", JSON_DOCUMENT, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("pipeline_run_id", sa.String(length=255), nullable=True),
        sa.Column("dagster_run_id", sa.String(length=64), nullable=True),
        sa.Column("partition_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_pipeline_jobs_job_board_id_job_boards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_jobs")),
    )
    with op.batch_alter_table("pipeline_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pipeline_jobs_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pipeline_jobs_job_board_id"), ["job_board_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pipeline_jobs_pipeline_run_id"), ["pipeline_run_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pipeline_jobs_status"), ["status"], unique=False)

    op.create_table(
        "raw_data_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job_board_id", sa.Integer(), nullable=False),
        sa.Column("board_name", sa.String(length=255), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("posting_count", sa.Integer(), nullable=False),
        sa.Column("new_postings", sa.Integer(), nullable=False),
        sa.Column("active_postings", sa.Integer(), nullable=False),
        sa.Column("disappeared_postings", sa.Integer(), nullable=False),
        sa.Column("repost_count", sa.Integer(), nullable=False),
        sa.Column("data", JSON_DOCUMENT, nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_board_id"],
            ["job_boards.id"],
            name=op.f("fk_raw_data_snapshots_job_board_id_job_boards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_data_snapshots")),
        sa.UniqueConstraint(
            "job_board_id",
            "snapshot_date",
            name=op.f("uq_raw_data_snapshots_job_board_id_snapshot_date"),
        ),
    )
    with op.batch_alter_table("raw_data_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_raw_data_snapshots_job_board_id"), ["job_board_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_raw_data_snapshots_job_board_id_snapshot_date"),
            ["job_board_id", "snapshot_date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_raw_data_snapshots_snapshot_date"), ["snapshot_date"], unique=False
        )

    op.create_table(
        "posting_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_posting_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=50), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_posting_events_job_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posting_events")),
    )
    with op.batch_alter_table("posting_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_posting_events_event_date"), ["event_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_posting_events_job_posting_id"), ["job_posting_id"], unique=False
        )

    op.create_index(
        "uq_efficiency_scores_board_date_role_industry",
        "efficiency_scores",
        [
            "job_board_id",
            "score_date",
            sa.text("coalesce(role_family, '')"),
            sa.text("coalesce(industry, '')"),
        ],
        unique=True,
    )
    for name, sql in _views(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in reversed(list(_views(op.get_bind().dialect.name))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_index("uq_efficiency_scores_board_date_role_industry", table_name="efficiency_scores")
    with op.batch_alter_table("posting_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_posting_events_job_posting_id"))
        batch_op.drop_index(batch_op.f("ix_posting_events_event_date"))

    op.drop_table("posting_events")
    with op.batch_alter_table("raw_data_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_raw_data_snapshots_snapshot_date"))
        batch_op.drop_index(batch_op.f("ix_raw_data_snapshots_job_board_id_snapshot_date"))
        batch_op.drop_index(batch_op.f("ix_raw_data_snapshots_job_board_id"))

    op.drop_table("raw_data_snapshots")
    with op.batch_alter_table("pipeline_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pipeline_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_pipeline_jobs_pipeline_run_id"))
        batch_op.drop_index(batch_op.f("ix_pipeline_jobs_job_board_id"))
        batch_op.drop_index(batch_op.f("ix_pipeline_jobs_created_at"))

    op.drop_table("pipeline_jobs")
    with op.batch_alter_table("job_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_postings_role_family"))
        batch_op.drop_index(batch_op.f("ix_job_postings_repost_cluster_id"))
        batch_op.drop_index(batch_op.f("ix_job_postings_last_seen"))
        batch_op.drop_index(batch_op.f("ix_job_postings_job_board_id_is_active"))
        batch_op.drop_index(batch_op.f("ix_job_postings_first_seen"))

    op.drop_table("job_postings")
    with op.batch_alter_table("employer_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_surveys_job_board_id"))

    op.drop_table("employer_surveys")
    with op.batch_alter_table("efficiency_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_efficiency_scores_score_date"))
        batch_op.drop_index(batch_op.f("ix_efficiency_scores_job_board_id"))

    op.drop_table("efficiency_scores")
    with op.batch_alter_table("candidate_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_surveys_job_board_id"))

    op.drop_table("candidate_surveys")
    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pipeline_runs_status"))
        batch_op.drop_index(batch_op.f("ix_pipeline_runs_start_time"))
        batch_op.drop_index(batch_op.f("ix_pipeline_runs_run_id"))

    op.drop_table("pipeline_runs")
    op.drop_table("job_boards")


def _views(dialect: str) -> dict[str, str]:
    """The seed's three pipeline views; only the date arithmetic differs per dialect."""
    if dialect == "postgresql":
        run_seconds = "EXTRACT(EPOCH FROM (end_time - start_time))"
        job_seconds = "EXTRACT(EPOCH FROM (completed_at - started_at))"
        run_day = "(start_time AT TIME ZONE 'UTC')::date"
    else:
        run_seconds = "((julianday(end_time) - julianday(start_time)) * 86400.0)"
        job_seconds = "((julianday(completed_at) - julianday(started_at)) * 86400.0)"
        run_day = "date(start_time)"
    completed = "COUNT(CASE WHEN status = 'completed' THEN 1 END)"
    rate = f"ROUND(100.0 * {completed} / NULLIF(COUNT(*), 0), 1)"
    return {
        "pipeline_stats": f"""
            SELECT 'all' AS period,
                   COUNT(*) AS total_runs,
                   {completed} AS successful_runs,
                   COUNT(CASE WHEN status = 'partial' THEN 1 END) AS partial_runs,
                   COUNT(CASE WHEN status = 'failed' THEN 1 END) AS failed_runs,
                   {rate} AS success_rate,
                   SUM(total_jobs) AS total_jobs,
                   SUM(completed_jobs) AS completed_jobs,
                   SUM(failed_jobs) AS failed_jobs,
                   ROUND(AVG({run_seconds}), 1) AS avg_duration_seconds
            FROM pipeline_runs
            WHERE end_time IS NOT NULL""",
        "pipeline_schedule": f"""
            SELECT {run_day} AS run_date,
                   COUNT(*) AS runs_per_day,
                   {completed} AS successful,
                   COUNT(CASE WHEN status != 'completed' THEN 1 END) AS failed,
                   {rate} AS success_rate
            FROM pipeline_runs
            GROUP BY {run_day}""",
        "pipeline_job_stats": f"""
            SELECT job_type,
                   COUNT(*) AS total_jobs,
                   {completed} AS completed,
                   COUNT(CASE WHEN status = 'failed' THEN 1 END) AS failed,
                   {rate} AS success_rate,
                   AVG({job_seconds}) AS avg_duration_seconds
            FROM pipeline_jobs
            WHERE completed_at IS NOT NULL
            GROUP BY job_type""",
    }
