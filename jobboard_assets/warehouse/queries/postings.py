"""job_postings and posting_events: the board-day merge and the bulk reads/writes of lifespans and reposts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, bindparam, case, delete, distinct, func, insert, select, update
from sqlalchemy.orm import Session

from jobboard_assets.metrics.spans import Event, PostingState, Span
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.warehouse.models import JobBoard, JobPosting, PostingEvent, PostingSpan
from jobboard_assets.warehouse.queries.frames import read_frame
from jobboard_assets.warehouse.types import utcnow

_IN_CHUNK = 2000  # bound parameters per IN list: well under SQLite's and PostgreSQL's limits
_postings = JobPosting.__table__  # Core table: executemany UPDATEs by a bound id, not ORM bulk


def lock_board(session: Session, job_board_id: int) -> None:
    """Serialize writers of one board: the first statement of every board-day transaction.

    Touching the board row takes its row lock on PostgreSQL (concurrent merges of the same board
    wait) and the database write lock on SQLite; both are released at commit or rollback.
    """
    session.execute(update(JobBoard).where(JobBoard.id == job_board_id).values(updated_at=utcnow()))


@dataclass(frozen=True)
class NearbySpan:
    """A stored span of a posting of the board, with the posting's external id."""

    job_posting_id: int
    external_id: str
    first_day: date
    last_day: date


def spans_between(session: Session, job_board_id: int, low: date, high: date) -> list[NearbySpan]:
    """The board's spans that overlap [low, high]: what the neighbours of a day listed."""
    query = (
        select(
            PostingSpan.job_posting_id,
            JobPosting.external_id,
            PostingSpan.first_day,
            PostingSpan.last_day,
        )
        .join(JobPosting, JobPosting.id == PostingSpan.job_posting_id)
        .where(
            PostingSpan.job_board_id == job_board_id,
            PostingSpan.last_day >= low,
            PostingSpan.first_day <= high,
        )
    )
    return [NearbySpan(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class StoredHistory:
    """What is stored of a posting's history: the columns derived from its spans, and events."""

    id: int
    external_id: str
    first_seen: date
    last_seen: date
    is_active: bool
    disappeared_at: date | None
    lifespan_days: int | None
    content_hash: str | None
    posted_at: datetime | None
    posted_at_approximate: bool
    spans: tuple[Span, ...]
    events: tuple[Event, ...]


def stored_histories(
    session: Session, job_board_id: int, posting_ids: Iterable[int], external_ids: Iterable[str]
) -> dict[str, StoredHistory]:
    """The stored history of the given postings and of the board's postings with these ids."""
    columns = (
        JobPosting.id,
        JobPosting.external_id,
        JobPosting.first_seen,
        JobPosting.last_seen,
        JobPosting.is_active,
        JobPosting.disappeared_at,
        JobPosting.lifespan_days,
        JobPosting.content_hash,
        JobPosting.posted_at,
        JobPosting.posted_at_approximate,
    )
    rows: dict[int, Any] = {}
    for chunk in _chunks(sorted(set(posting_ids))):
        rows.update(
            {
                row.id: row
                for row in session.execute(select(*columns).where(JobPosting.id.in_(chunk)))
            }
        )
    of_board = JobPosting.job_board_id == job_board_id
    for chunk in _chunks(sorted(set(external_ids))):
        query = select(*columns).where(of_board, JobPosting.external_id.in_(chunk))
        rows.update({row.id: row for row in session.execute(query)})
    spans: dict[int, list[Span]] = {posting_id: [] for posting_id in rows}
    events: dict[int, list[Event]] = {posting_id: [] for posting_id in rows}
    for chunk in _chunks(sorted(rows)):
        span_query = select(
            PostingSpan.job_posting_id, PostingSpan.first_day, PostingSpan.last_day
        ).where(PostingSpan.job_posting_id.in_(chunk))
        for posting_id, first_day, last_day in session.execute(span_query):
            spans[posting_id].append((first_day, last_day))
        event_query = select(
            PostingEvent.job_posting_id,
            PostingEvent.event_type,
            PostingEvent.event_date,
            PostingEvent.notes,
        ).where(PostingEvent.job_posting_id.in_(chunk))
        for posting_id, event_type, event_date, notes in session.execute(event_query):
            events[posting_id].append((event_type, event_date, notes))
    return {
        row.external_id: StoredHistory(
            **row._asdict(),
            spans=tuple(sorted(spans[row.id])),
            events=tuple(sorted(events[row.id], key=lambda event: (event[1], event[0]))),
        )
        for row in rows.values()
    }


def posting_ids(session: Session, job_board_id: int) -> dict[str, int]:
    """Every posting of the board: external id -> id."""
    query = select(JobPosting.external_id, JobPosting.id).where(
        JobPosting.job_board_id == job_board_id
    )
    return dict(session.execute(query).all())


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _record_columns(record: PostingRecord) -> dict[str, Any]:
    return {
        "url": record.url,
        "title": record.title,
        "normalized_title": record.normalized_title,
        "company": record.company,
        "location": record.location,
        "department": record.department,
        "role_family": record.role_family,
        "remote": record.remote,
        "posted_at": record.posted_at,
        "posted_at_approximate": record.posted_at_approximate,
        "content_hash": record.content_hash,
        "locations": list(record.locations) or None,
        "workplace_type": record.workplace_type,
        "salary_min": record.salary_min,
        "salary_max": record.salary_max,
        "salary_currency": record.salary_currency,
        "salary_period": record.salary_period,
        "employment_type": record.employment_type,
        "expires_at": record.expires_at,
    }


def insert_postings(
    session: Session, job_board_id: int, records: list[PostingRecord], state: PostingState
) -> dict[str, int]:
    """Insert postings never seen before with the derived columns of `state` (every new posting
    of a board-day has the same: listed on that day alone), so `write_histories` only adds
    their spans and events instead of updating every new row again."""
    if not records:
        return {}
    now = utcnow()
    inserted = session.connection().execute(
        insert(_postings).returning(_postings.c.id, _postings.c.external_id),
        [
            {
                "job_board_id": job_board_id,
                "external_id": record.external_id,
                **_record_columns(record),
                "first_seen": state.first_seen,
                "last_seen": state.last_seen,
                "is_active": state.is_active,
                "disappeared_at": state.disappeared_at,
                "lifespan_days": state.lifespan_days,
                "repost_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for record in records
        ],
    )
    return {external_id: posting_id for posting_id, external_id in inserted}


def update_record_columns(session: Session, records: dict[int, PostingRecord]) -> None:
    """Set the listing's columns (title, board date, ...) of postings from their latest sighting."""
    if records:
        now = utcnow()
        session.connection().execute(
            update(_postings).where(_postings.c.id == bindparam("posting_id")),
            [
                {"posting_id": posting_id, **_record_columns(record), "updated_at": now}
                for posting_id, record in records.items()
            ],
        )


@dataclass(frozen=True)
class HistoryChange:
    """A posting whose spans, derived columns or events differ from what is stored."""

    posting_id: int
    job_board_id: int
    spans: tuple[Span, ...]
    state: PostingState | None
    """None: no observed day lists the posting any more (a re-run dropped it): it is deleted."""
    spans_changed: bool = True
    events_changed: bool = True
    inserted: bool = False
    """Inserted in this transaction with `state`'s columns (`insert_postings`): nothing stored
    to delete or update, only its spans and events to add."""


def write_histories(session: Session, changes: list[HistoryChange]) -> None:
    """Replace the changed spans and events of the postings and set their derived columns.

    A daily run changes mostly spans and last_seen (a listed posting's span grows by a day);
    events are rewritten only for the postings whose events changed.
    """
    if not changes:
        return
    connection = session.connection()
    stored = [change for change in changes if not change.inserted]
    respanned = [c.posting_id for c in stored if c.spans_changed or c.state is None]
    for chunk in _chunks(respanned):
        connection.execute(delete(PostingSpan).where(PostingSpan.job_posting_id.in_(chunk)))
    reevented = [c.posting_id for c in stored if c.events_changed or c.state is None]
    for chunk in _chunks(reevented):
        connection.execute(delete(PostingEvent).where(PostingEvent.job_posting_id.in_(chunk)))
    gone = [change.posting_id for change in changes if change.state is None]
    for chunk in _chunks(gone):
        connection.execute(delete(_postings).where(_postings.c.id.in_(chunk)))
    kept = [change for change in changes if change.state is not None]
    if not kept:
        return
    now = utcnow()
    spans = [
        {
            "job_posting_id": change.posting_id,
            "job_board_id": change.job_board_id,
            "first_day": first_day,
            "last_day": last_day,
        }
        for change in kept
        if change.spans_changed
        for first_day, last_day in change.spans
    ]
    if spans:
        connection.execute(insert(PostingSpan), spans)
    derived = [
        {
            "posting_id": change.posting_id,
            "first_seen": change.state.first_seen,
            "last_seen": change.state.last_seen,
            "is_active": change.state.is_active,
            "disappeared_at": change.state.disappeared_at,
            "lifespan_days": change.state.lifespan_days,
            "updated_at": now,
        }
        for change in kept
        if change.state is not None and not change.inserted
    ]
    if derived:
        connection.execute(
            update(_postings).where(_postings.c.id == bindparam("posting_id")), derived
        )
    events = [
        {
            "job_posting_id": change.posting_id,
            "event_type": event_type,
            "event_date": event_date,
            "notes": notes,
            "created_at": now,
        }
        for change in kept
        if change.state is not None and change.events_changed
        for event_type, event_date, notes in change.state.events
    ]
    if events:
        connection.execute(insert(PostingEvent), events)


@dataclass(frozen=True)
class DayCounts:
    """A board's counts for one day, read back from its history (so any order agrees)."""

    new: int
    disappeared: int
    reappeared: int
    active: int
    reposted: int


def day_counts(session: Session, job_board_id: int, day: date, previous: date | None) -> DayCounts:
    """First seen that day, disappeared / reappeared that day, listed that day, listed reposts.

    `previous`: the board's observed day before `day` (None for its first). Every posting with
    an event on `day` has a span of the board within [`previous`, `day`]: one starting on `day`
    (appeared, reappeared) or one ending on `previous` (disappeared on the next observed day).
    So the events are found from the board's spans (indexed by board and last day), not from
    the events of every board on that day, a cost that grew with the boards (15 % of the
    1,000-board day's CPU).
    """

    def count_where(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def postings_with(event_type: str) -> Any:
        return func.count(
            distinct(case((PostingEvent.event_type == event_type, PostingEvent.job_posting_id)))
        )

    of_board_by_day = (
        PostingSpan.job_board_id == job_board_id,
        PostingSpan.first_day <= day,
    )
    new, disappeared, reappeared = session.execute(
        select(postings_with("appeared"), postings_with("disappeared"), postings_with("reappeared"))
        .select_from(PostingSpan)
        .join(PostingEvent, PostingEvent.job_posting_id == PostingSpan.job_posting_id)
        .where(
            *of_board_by_day,
            PostingSpan.last_day >= (previous or day),
            PostingEvent.event_date == day,
        )
    ).one()
    active, reposted = session.execute(
        select(func.count(), count_where(JobPosting.repost_count > 0))
        .select_from(PostingSpan)
        .join(JobPosting, JobPosting.id == PostingSpan.job_posting_id)
        .where(*of_board_by_day, PostingSpan.last_day >= day)
    ).one()
    return DayCounts(
        *(int(value or 0) for value in (new, disappeared, reappeared, active, reposted))
    )


# --- lifespans and reposts: whole-history frames and bulk write-back -------------------------------

POSTING_FRAME_COLUMNS: Sequence[str] = (
    "id",
    "job_board_id",
    "external_id",
    "title",
    "normalized_title",
    "company",
    "location",
    "locations",
    "role_family",
    "first_seen",
    "last_seen",
    "is_active",
    "disappeared_at",
    "posted_at",
    "lifespan_days",
    "repost_cluster_id",
    "repost_count",
    "workplace_type",
    "salary_min",
)


def postings_frame(
    engine: Engine,
    columns: Sequence[str] = POSTING_FRAME_COLUMNS,
    *,
    stamped: bool = False,
    updated_since: datetime | None = None,
) -> pl.DataFrame:
    """Every posting ordered by id (or, unordered, those updated since `updated_since`) as a
    polars frame (one query, no ORM objects), typed per column; `stamped` adds `_updated_at`
    (`pipeline.frame_cache`)."""
    schema = {name: _POSTING_SCHEMA[name] for name in columns}
    selected = [getattr(JobPosting, name) for name in columns]
    if stamped:
        schema["_updated_at"] = pl.Datetime("us", "UTC")
        selected.append(JobPosting.updated_at)
    query = select(*selected)
    if updated_since is None:
        query = query.order_by(JobPosting.id)
    else:
        # No ORDER BY: with it SQLite walks the whole table in id order instead of the
        # updated_at index (0.36 s at 1.04M postings for a day's 34k rows); callers sort.
        query = query.where(JobPosting.updated_at >= updated_since)
    return read_frame(engine, query, schema)


@dataclass(frozen=True)
class PostingsState:
    """How many postings there are and the newest write's stamp: whether a copy can be right."""

    count: int
    newest_update: datetime | None


def postings_state(engine: Engine) -> PostingsState:
    with engine.connect() as connection:
        count, newest = connection.execute(
            select(func.count(), func.max(JobPosting.updated_at))
        ).one()
    return PostingsState(int(count), newest)


def reappeared_spans_frame(engine: Engine) -> pl.DataFrame:
    """`id`, `span_firsts`, `span_lasts`, `gone_days` (sorted lists) of postings with several
    spans: what `timeline.as_of` needs to cut a reappeared posting's history at a day. Postings
    listed in one run (nearly all) are left out; their first and last sighting say it all."""
    several = (
        select(PostingSpan.job_posting_id)
        .group_by(PostingSpan.job_posting_id)
        .having(func.count() > 1)
        .scalar_subquery()
    )
    spans = read_frame(
        engine,
        select(
            PostingSpan.job_posting_id.label("id"), PostingSpan.first_day, PostingSpan.last_day
        ).where(PostingSpan.job_posting_id.in_(several)),
        {"id": pl.Int64(), "first_day": pl.Date(), "last_day": pl.Date()},
    )
    gone = read_frame(
        engine,
        select(PostingEvent.job_posting_id.label("id"), PostingEvent.event_date).where(
            PostingEvent.job_posting_id.in_(several), PostingEvent.event_type == "disappeared"
        ),
        {"id": pl.Int64(), "event_date": pl.Date()},
    )
    return (
        spans.sort("id", "first_day")
        .group_by("id", maintain_order=True)
        .agg(span_firsts=pl.col("first_day"), span_lasts=pl.col("last_day"))
        .join(
            gone.sort("id", "event_date").group_by("id").agg(gone_days=pl.col("event_date")),
            on="id",
            how="left",
        )
    )


_POSTING_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "job_board_id": pl.Int64(),
    "first_seen": pl.Date(),
    "last_seen": pl.Date(),
    "disappeared_at": pl.Date(),
    "lifespan_days": pl.Int64(),
    "repost_cluster_id": pl.Int64(),
    "repost_count": pl.Int64(),
    "is_active": pl.Boolean(),
    # Typed even when null on every row (no posting has a company yet): polars' Null type would
    # break the string expressions downstream.
    **dict.fromkeys(
        (
            "external_id",
            "title",
            "normalized_title",
            "company",
            "location",
            "role_family",
            "workplace_type",
        ),
        pl.Utf8(),
    ),
    "posted_at": pl.Datetime("us", "UTC"),
    "salary_min": pl.Float64(),
    # Every place the listing gives, `location` first (null when the board gave none): a job
    # open in several places, which another board may name in another order.
    "locations": pl.List(pl.Utf8()),
}


def write_posting_columns(engine: Engine, changes: pl.DataFrame) -> int:
    """Bulk-update columns of postings by id from a frame (`id` plus the columns to set)."""
    if changes.is_empty():
        return 0
    names = [name for name in changes.columns if name != "id"]
    statement = (
        update(_postings)
        .where(_postings.c.id == bindparam("posting_id"))
        .values({name: bindparam(name) for name in names})
    )
    rows = changes.rename({"id": "posting_id"}).to_dicts()
    with engine.begin() as connection:
        connection.execute(statement, rows)
    return len(rows)
