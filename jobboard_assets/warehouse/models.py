"""The warehouse schema as SQLAlchemy 2.0 models; the Alembic migrations create exactly this.

Days are `Date` (a posting is observed once per board-day partition), moments are timezone-aware
UTC timestamps. Contract tables (`pipeline_jobs`, `raw_data_snapshots`, `pipeline_runs`) keep every
column of the design, plus a few that tie rows to Dagster runs.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from jobboard_assets.warehouse.types import (
    JsonDocument,
    JsonList,
    TextList,
    UTCDateTime,
    empty_list,
    new_uuid,
    utcnow,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # SQLAlchemy types `__table__` as any FromClause (a class may map a join or a select); every
    # class here maps one Table, which insert/upsert/LOCK TABLE need (SQLAlchemy issue 9130).
    __table__: ClassVar[Table]


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


# The contract's own tables (pipeline_jobs, raw_data_snapshots, pipeline_runs) carry the contract's
# server-side defaults too, so the contract's SQL and any other client can insert a row with only the
# required columns; every column we added to them is nullable or has a server default.


def _seed_id() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, primary_key=True, default=uuid.uuid4, server_default=new_uuid())


def _seed_count() -> Mapped[int]:
    return mapped_column(Integer, nullable=False, default=0, server_default=text("0"))


def _seed_timestamp(*, onupdate: bool = False) -> Mapped[datetime]:
    return mapped_column(
        UTCDateTime(),
        default=utcnow,
        onupdate=utcnow if onupdate else None,
        server_default=func.current_timestamp(),
        nullable=False,
    )


SEARCH_SCOPES: tuple[tuple[str, ...], ...] = (
    (),
    ("job_board_id",),
    ("role_family",),
    ("company",),
    ("workplace_type",),
)
"""The equality filters of posting search with an index in first_seen order (migration 0013)."""
SEARCH_SUBSETS = {
    "ix_job_postings_pay_stated_first_seen_id": text("salary_min IS NOT NULL"),
    "ix_job_postings_reposted_first_seen_id": text("repost_count > 0"),
}
"""Partial indexes in first_seen order of the postings the pay and repost filters look at."""


TITLE_SEARCH_TABLE = "job_postings_title_search"
"""SQLite only: the FTS5 trigram table of `job_postings.title` (migration 0014), kept equal to it
by triggers. Not a model (a virtual table cannot be declared): schema comparison leaves it and
its shadow tables (`{name}_data`, ...) alone (`migrate.include_name`)."""


class JobBoard(TimestampMixin, Base):
    """A board from the registry (`boards.yaml`); never deleted, only disabled."""

    __tablename__ = "job_boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str] = mapped_column(String(50), nullable=False)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    category: Mapped[str | None] = mapped_column(String(50))
    industry: Mapped[str | None] = mapped_column(String(100))
    options: Mapped[dict[str, Any]] = mapped_column(JsonDocument, nullable=False, default=dict)


class JobPosting(TimestampMixin, Base):
    """One posting as the board lists it, with our own observation history."""

    __tablename__ = "job_postings"
    __table_args__ = (
        UniqueConstraint("job_board_id", "external_id"),
        Index(None, "job_board_id", "is_active"),
        Index(None, "first_seen"),
        Index(None, "last_seen"),
        Index(None, "role_family"),
        Index(None, "repost_cluster_id"),
        # Covers the per-board, per-day disappearance averages of `daily_lifespan_trends`.
        Index(None, "job_board_id", "disappeared_at", "lifespan_days"),
        # The history run reads the postings written since its copy (pipeline/frame_cache.py),
        # and its checks look at those writes and at each board's latest day.
        Index(None, "updated_at"),
        Index(None, "job_board_id", "last_seen"),
        # Posting search (GET /api/postings) pages in (first_seen, id) order, keyset: one index
        # per selective filter, so a page is read in order from the index, never sorted.
        *(Index(None, *scope, "first_seen", "id") for scope in SEARCH_SCOPES),
        # The pay and repost filters match few postings: partial indexes in the same order hold
        # only those, so a page of them is not found by walking every posting.
        *(
            Index(name, "first_seen", "id", sqlite_where=where, postgresql_where=where)
            for name, where in SEARCH_SUBSETS.items()
        ),
        # PostgreSQL: title search by trigrams (pg_trgm), for words few titles hold.
        Index(
            "ix_job_postings_title_trigrams",
            text("lower(title) public.gin_trgm_ops"),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    external_id: Mapped[str] = mapped_column(String(255), nullable=False)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    normalized_title: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(255))
    role_family: Mapped[str | None] = mapped_column(String(50))
    remote: Mapped[bool | None] = mapped_column(Boolean)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_at_approximate: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    """`posted_at` was read from a phrase ("Posted 3 Days Ago", migration 0016): a day on the
    board's clock, never an exact moment; false for a stated date and where there is none."""
    first_seen: Mapped[date] = mapped_column(Date, nullable=False)
    last_seen: Mapped[date] = mapped_column(Date, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    disappeared_at: Mapped[date | None] = mapped_column(Date)
    lifespan_days: Mapped[int | None] = mapped_column(Integer)
    repost_cluster_id: Mapped[int | None] = mapped_column(Integer)
    repost_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # What real boards state beyond the basics (migration 0005); NULL where a board says nothing.
    locations: Mapped[list[str] | None] = mapped_column(JsonDocument)
    """Every location the board gives, primary (`location`) first."""
    workplace_type: Mapped[str | None] = mapped_column(String(10))  # remote | hybrid | onsite
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    salary_period: Mapped[str | None] = mapped_column(
        String(10)
    )  # year | month | week | day | hour
    employment_type: Mapped[str | None] = mapped_column(String(20))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PostingEvent(Base):
    """appeared / disappeared / reappeared, one row per change we observed."""

    __tablename__ = "posting_events"
    __table_args__ = (Index(None, "job_posting_id"), Index(None, "event_date"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_posting_id: Mapped[int] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE"), nullable=False
    )
    event_type: Mapped[str] = mapped_column(String(50), nullable=False)
    event_date: Mapped[date] = mapped_column(Date, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class PostingSpan(Base):
    """A run of consecutive observed board-days on which a posting was listed.

    The history is derived from these and the board's observed days (its snapshots), never from
    the order days were applied in: a posting's first_seen / last_seen are its first and last
    span's ends, it disappeared on the board's next observed day after a span, and a later span
    is a reappearance. Applying a day touches only the spans around that day (docs/history.md).
    """

    __tablename__ = "posting_spans"
    __table_args__ = (Index(None, "job_posting_id"), Index(None, "job_board_id", "last_day"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_posting_id: Mapped[int] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE"), nullable=False
    )
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    first_day: Mapped[date] = mapped_column(Date, nullable=False)
    last_day: Mapped[date] = mapped_column(Date, nullable=False)


class PipelineJob(Base):
    """One unit of pipeline work (scrape / normalize / lifespan / repost / score)."""

    __tablename__ = "pipeline_jobs"
    __table_args__ = (
        Index(None, "status"),
        Index(None, "job_board_id"),
        Index(None, "created_at"),
        Index(None, "pipeline_run_id"),
    )

    id: Mapped[uuid.UUID] = _seed_id()
    job_type: Mapped[str] = mapped_column(String(50), nullable=False)
    job_board_id: Mapped[int | None] = mapped_column(ForeignKey("job_boards.id"))
    board_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(
        String(20), nullable=False, default="pending", server_default="pending"
    )
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    error: Mapped[str | None] = mapped_column(Text)
    # Ties to the orchestrator: the pipeline execution and the Dagster run/partition it came from.
    pipeline_run_id: Mapped[str | None] = mapped_column(String(255))
    dagster_run_id: Mapped[str | None] = mapped_column(String(64))
    partition_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = _seed_timestamp()
    updated_at: Mapped[datetime] = _seed_timestamp(onupdate=True)


class RawDataSnapshot(Base):
    """What one board listed on one day, with the day's counts."""

    __tablename__ = "raw_data_snapshots"
    __table_args__ = (
        UniqueConstraint("job_board_id", "snapshot_date"),
        Index(None, "job_board_id"),
        Index(None, "snapshot_date"),
        Index(None, "job_board_id", "snapshot_date"),
    )

    id: Mapped[uuid.UUID] = _seed_id()
    job_board_id: Mapped[int] = mapped_column(ForeignKey("job_boards.id"), nullable=False)
    board_name: Mapped[str] = mapped_column(String(255), nullable=False)
    snapshot_date: Mapped[date] = mapped_column(Date, nullable=False)
    posting_count: Mapped[int] = _seed_count()
    new_postings: Mapped[int] = _seed_count()
    active_postings: Mapped[int] = _seed_count()
    disappeared_postings: Mapped[int] = _seed_count()
    repost_count: Mapped[int] = _seed_count()
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = _seed_timestamp()


class BoardDayListing(Base):
    """Every fetched listing of a board-day, believed or not (`metrics.belief`).

    A believed day is also an observed day (it has a `raw_data_snapshots` row); a held one is a
    gap that later neighbours may vouch for. `data` keeps every record whole, so a day can be
    applied or withdrawn again when a neighbour arrives.
    """

    __tablename__ = "board_day_listings"
    __table_args__ = (UniqueConstraint("job_board_id", "listing_date"), Index(None, "decided_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    listing_date: Mapped[date] = mapped_column(Date, nullable=False)
    board_name: Mapped[str] = mapped_column(String(255), nullable=False)
    posting_count: Mapped[int] = mapped_column(Integer, nullable=False)
    believed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    held_reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    """The fetched day whose arrival last decided this day: a history run of that day refreshes
    this one's days too (`history.days_to_refresh`)."""
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, nullable=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


WAITING_REQUEST = "trigger = 'api' AND status = 'running' AND total_jobs = 0"
"""A Run Now request no Dagster run has taken up yet."""


class PipelineRun(Base):
    """One pipeline execution in the contract's sense (one tick, one backfill, one `jobboard run`)."""

    __tablename__ = "pipeline_runs"
    __table_args__ = (
        Index(None, "status"),
        Index(None, "start_time"),
        Index(None, "run_id"),
        # One Run Now request waiting to be launched, whichever API process records it (0012).
        Index(
            "uq_pipeline_runs_one_waiting_request",
            "trigger",
            unique=True,
            sqlite_where=text(WAITING_REQUEST),
            postgresql_where=text(WAITING_REQUEST),
        ),
    )

    id: Mapped[uuid.UUID] = _seed_id()
    run_id: Mapped[str] = mapped_column(String(255), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(
        String(20), nullable=False, default="running", server_default="running"
    )
    start_time: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    end_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    total_jobs: Mapped[int] = _seed_count()
    completed_jobs: Mapped[int] = _seed_count()
    failed_jobs: Mapped[int] = _seed_count()
    errors: Mapped[list[str] | None] = mapped_column(
        TextList, default=list, server_default=empty_list()
    )
    created_at: Mapped[datetime] = _seed_timestamp()
    # How it was launched (schedule / backfill / cli / api / manual) and the Dagster runs in it.
    trigger: Mapped[str | None] = mapped_column(String(50))
    dagster_run_ids: Mapped[list[str]] = mapped_column(
        TextList, nullable=False, default=list, server_default=empty_list()
    )
    updated_at: Mapped[datetime] = _seed_timestamp(onupdate=True)
    # How long its runs worked (a repair hours later adds its own time, not the hours between);
    # NULL in rows other clients write: their duration is the span.
    worked_seconds: Mapped[float | None] = mapped_column(Float)
    # Nullable as in the contract (its clients may write NULL); empty when left out. Last: on SQLite
    # a long list (~150 KB for 1,000 boards) overflows the row into a chain of pages, which
    # reading any column stored after it would walk (migration 0008 moved it there).
    jobs: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JsonList, default=list, server_default=empty_list()
    )


class PipelineRunJobPage(Base):
    """A run's job page (`job_pages.job_page` of its `pipeline_runs.jobs`), so the run history reads ~20
    jobs per run instead of decoding a ~150 KB list (a 1,000-board run) on every request."""

    __tablename__ = "pipeline_run_job_pages"

    run_id: Mapped[str] = mapped_column(
        String(255),
        ForeignKey("pipeline_runs.run_id", ondelete="CASCADE", onupdate="CASCADE"),
        primary_key=True,
    )
    jobs_page: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, nullable=False)
    job_count: Mapped[int] = mapped_column(Integer, nullable=False)


class EfficiencyScore(TimestampMixin, Base):
    """A board's daily score; role_family/industry NULL means the whole board."""

    __tablename__ = "efficiency_scores"
    __table_args__ = (
        Index(None, "job_board_id"),
        Index(None, "score_date"),
        # One row per board/date/role_family/industry, NULL counting as a value on both backends.
        Index(
            "uq_efficiency_scores_board_date_role_industry",
            "job_board_id",
            "score_date",
            text("coalesce(role_family, '')"),
            text("coalesce(industry, '')"),
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    score_date: Mapped[date] = mapped_column(Date, nullable=False)
    overall_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    lifespan_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    repost_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    employer_survey_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    candidate_survey_score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    quality_adjustment: Mapped[float | None] = mapped_column(Float)
    data_completeness: Mapped[float | None] = mapped_column(Float)
    fake_fresh_share: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(3))
    rank: Mapped[int | None] = mapped_column(Integer)
    percentile: Mapped[float | None] = mapped_column(Float)
    trend: Mapped[float | None] = mapped_column(Float)
    role_family: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)


class EmployerSurvey(Base):
    """An employer's view of hiring through a board (1-10 scales, as in the day-2 schema)."""

    __tablename__ = "employer_surveys"
    __table_args__ = (Index(None, "job_board_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    company_name: Mapped[str] = mapped_column(String(255), nullable=False)
    contact_email: Mapped[str | None] = mapped_column(String(255))
    hiring_effectiveness: Mapped[int | None] = mapped_column(Integer)
    fill_time_days: Mapped[int | None] = mapped_column(Integer)
    candidate_quality: Mapped[str | None] = mapped_column(String(100))
    comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class CandidateSurvey(Base):
    """A candidate's view of a board (1-10 scales, as in the day-2 schema)."""

    __tablename__ = "candidate_surveys"
    __table_args__ = (Index(None, "job_board_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    candidate_name: Mapped[str | None] = mapped_column(String(255))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    job_board_experience: Mapped[int | None] = mapped_column(Integer)
    posting_relevance: Mapped[int | None] = mapped_column(Integer)
    ease_of_application: Mapped[int | None] = mapped_column(Integer)
    likelihood_recommend: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


# --- daily analytics (the `lifespan_metrics` and `repost_frequency` assets) -----------------
# Each row describes one board (role_family NULL) or one role family across all boards
# (job_board_id NULL) as of `metric_date`; a day's rows are replaced whole on every run.


def _analytics_table_args(table: str, *key: str) -> tuple[Any, ...]:
    """Indexes and the one-scope check shared by the analytics tables.

    The unique index coalesces the NULL side of the scope, so one board (or role family) has
    one row per day (and per `key`) on both backends, where a plain unique constraint would
    treat every NULL as distinct.
    """
    return (
        Index(None, "metric_date"),
        Index(None, "job_board_id"),
        Index(
            f"uq_{table}_date_scope",
            "metric_date",
            text("coalesce(job_board_id, 0)"),
            text("coalesce(role_family, '')"),
            *key,
            unique=True,
        ),
        CheckConstraint("(job_board_id IS NULL) <> (role_family IS NULL)", name="one_scope"),
    )


class AnalyticsScopeMixin:
    """The day and the scope of an analytics row, listed first in its table (`sort_order`)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    metric_date: Mapped[date] = mapped_column(Date, nullable=False, sort_order=-1)
    job_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), sort_order=-1
    )
    role_family: Mapped[str | None] = mapped_column(String(100), sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class LifespanMetric(AnalyticsScopeMixin, Base):
    """The specified lifespan statistics of closed postings, the Kaplan-Meier median and open ages."""

    __tablename__ = "lifespan_metrics"
    __table_args__ = _analytics_table_args(__tablename__)

    postings: Mapped[int] = mapped_column(Integer, nullable=False)
    active_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    closed_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    left_censored_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    exact_closed_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    lifespan_mean_days: Mapped[float | None] = mapped_column(Float)
    lifespan_median_days: Mapped[float | None] = mapped_column(Float)
    lifespan_p25_days: Mapped[float | None] = mapped_column(Float)
    lifespan_p75_days: Mapped[float | None] = mapped_column(Float)
    lifespan_p90_days: Mapped[float | None] = mapped_column(Float)
    lifespan_min_days: Mapped[int | None] = mapped_column(Integer)
    lifespan_max_days: Mapped[int | None] = mapped_column(Integer)
    km_median_days: Mapped[int | None] = mapped_column(Integer)
    km_median_reached: Mapped[bool] = mapped_column(Boolean, nullable=False)
    km_median_floor_days: Mapped[int | None] = mapped_column(Integer)
    km_p75_days: Mapped[int | None] = mapped_column(Integer)
    active_age_mean_days: Mapped[float | None] = mapped_column(Float)
    active_share_over_30d: Mapped[float | None] = mapped_column(Float)
    active_share_over_60d: Mapped[float | None] = mapped_column(Float)
    active_share_over_90d: Mapped[float | None] = mapped_column(Float)


class LifespanDistribution(AnalyticsScopeMixin, Base):
    """Closed postings (not left-censored) per day-9 lifespan bucket, every bucket listed."""

    __tablename__ = "lifespan_distribution"
    __table_args__ = _analytics_table_args(__tablename__, "bucket")

    bucket: Mapped[str] = mapped_column(String(20), nullable=False)
    min_days: Mapped[int] = mapped_column(Integer, nullable=False)
    max_days: Mapped[int | None] = mapped_column(Integer)
    postings: Mapped[int] = mapped_column(Integer, nullable=False)
    percentage: Mapped[float | None] = mapped_column(Float)


class RepostFrequency(AnalyticsScopeMixin, Base):
    """The specified repost frequency: reposts of an earlier posting, clusters, rate, gap, flag."""

    __tablename__ = "repost_frequency"
    __table_args__ = _analytics_table_args(__tablename__)

    postings: Mapped[int] = mapped_column(Integer, nullable=False)
    reposts: Mapped[int] = mapped_column(Integer, nullable=False)
    clustered_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    repost_clusters: Mapped[int] = mapped_column(Integer, nullable=False)
    repost_rate_pct: Mapped[float] = mapped_column(Float, nullable=False)
    median_repost_gap_days: Mapped[float | None] = mapped_column(Float)
    chronic_clusters: Mapped[int] = mapped_column(Integer, nullable=False)
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False)


# --- the lifespan report /api/lifespan serves (the `lifespan_metrics` asset writes it) -------
# The whole report is replaced on every run: one copy per cut ("all" postings, or one workplace
# type), as of the history's newest day, with tracking starting on its earliest first_seen.


class LifespanReportMixin:
    """The cut a report row belongs to and when the report was written."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    cut: Mapped[str] = mapped_column(String(10), nullable=False, sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class LifespanReportGroup(LifespanReportMixin, Base):
    """One board's (ranked) or one role family's lifespan statistics, rounded as served.

    `position` is the row's place in its listing: boards by rank, role families by average
    lifespan (longest first), computed before rounding so ties order as the metrics do.
    """

    __tablename__ = "lifespan_report_groups"
    __table_args__ = (
        Index(None, "cut", "job_board_id"),
        Index(None, "cut", "role_family", "position"),
        CheckConstraint("(job_board_id IS NULL) <> (role_family IS NULL)", name="one_scope"),
    )

    job_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE")
    )
    role_family: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    postings: Mapped[int] = mapped_column(Integer, nullable=False)
    active_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    closed_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    left_censored_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    lifespan_mean_days: Mapped[float | None] = mapped_column(Float)
    lifespan_median_days: Mapped[float | None] = mapped_column(Float)
    lifespan_p25_days: Mapped[float | None] = mapped_column(Float)
    lifespan_p75_days: Mapped[float | None] = mapped_column(Float)
    lifespan_min_days: Mapped[int | None] = mapped_column(Integer)
    lifespan_max_days: Mapped[int | None] = mapped_column(Integer)
    active_age_mean_days: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    percentile: Mapped[float | None] = mapped_column(Float)
    km_median_days: Mapped[int | None] = mapped_column(Integer)
    km_median_reached: Mapped[bool | None] = mapped_column(Boolean)
    km_median_floor_days: Mapped[int | None] = mapped_column(Integer)
    km_p75_days: Mapped[int | None] = mapped_column(Integer)
    distinct_boards: Mapped[int | None] = mapped_column(Integer)
    most_common_board_id: Mapped[int | None] = mapped_column(Integer)


class LifespanReportBucket(LifespanReportMixin, Base):
    """Closed postings per lifespan bucket of one board, or of every board (job_board_id NULL)."""

    __tablename__ = "lifespan_report_buckets"
    __table_args__ = (Index(None, "cut", "job_board_id", "min_days"),)

    job_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE")
    )
    bucket: Mapped[str] = mapped_column(String(20), nullable=False)
    min_days: Mapped[int] = mapped_column(Integer, nullable=False)
    max_days: Mapped[int | None] = mapped_column(Integer)
    postings: Mapped[int] = mapped_column(Integer, nullable=False)
    percentage: Mapped[float | None] = mapped_column(Float)


class LifespanReportTrend(LifespanReportMixin, Base):
    """One board's active / new / disappeared postings on one day of the newest year."""

    __tablename__ = "lifespan_report_trends"
    __table_args__ = (
        Index(None, "cut", "day", "job_board_id", unique=True),
        Index(None, "cut", "job_board_id", "day"),
    )

    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    day: Mapped[date] = mapped_column(Date, nullable=False)
    active_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    new_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    disappeared_postings: Mapped[int] = mapped_column(Integer, nullable=False)
    active_age_mean_days: Mapped[float | None] = mapped_column(Float)


class BoardLifespanReference(Base):
    """A board's Kaplan-Meier median and 90th percentile lifespan for one role family, as a
    posting's evidence compares its age with them (`metrics.posting_evidence.
    board_reference_lifespans`). Written whole by each history run (`lifespan_metrics`), so the
    evidence reads one row by index instead of estimating per request."""

    __tablename__ = "board_lifespan_references"
    __table_args__ = (Index(None, "job_board_id", "role_family"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_board_id: Mapped[int] = mapped_column(
        ForeignKey("job_boards.id", ondelete="CASCADE"), nullable=False
    )
    role_family: Mapped[str | None] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(20), nullable=False)  # role family | board
    estimate_postings: Mapped[int | None] = mapped_column(Integer)
    median_days: Mapped[int | None] = mapped_column(Integer)
    p90_days: Mapped[int | None] = mapped_column(Integer)
    median_floor_days: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)


class CrossBoardJob(Base):
    """A posting listed as the same job on another board (the `cross_board_jobs` asset).

    Only postings whose job is on two or more boards have a row; `job_group_id` is the smallest
    posting id of the job's group. Replaced whole on every run (metrics/cross_board_links.py).
    """

    __tablename__ = "cross_board_jobs"
    __table_args__ = (Index(None, "job_group_id"),)

    job_posting_id: Mapped[int] = mapped_column(
        ForeignKey("job_postings.id", ondelete="CASCADE"), primary_key=True
    )
    job_group_id: Mapped[int] = mapped_column(Integer, nullable=False)
