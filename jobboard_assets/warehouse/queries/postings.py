"""job_postings and posting_events: the board-day merge and the bulk reads/writes of phases 3-4."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine, bindparam, case, func, insert, select, update
from sqlalchemy.orm import Session

from jobboard_assets.pipeline.merge import MergePlan, StoredPosting
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.warehouse.models import JobBoard, JobPosting, PostingEvent
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


def load_merge_state(
    session: Session, job_board_id: int, external_ids: Iterable[str]
) -> list[StoredPosting]:
    """The board's active postings plus any stored posting listed again today."""
    columns = (
        JobPosting.id,
        JobPosting.external_id,
        JobPosting.is_active,
        JobPosting.first_seen,
        JobPosting.last_seen,
        JobPosting.disappeared_at,
        JobPosting.content_hash,
    )
    of_board = JobPosting.job_board_id == job_board_id
    rows = {
        row.id: row
        for row in session.execute(select(*columns).where(of_board, JobPosting.is_active))
    }
    wanted = sorted(set(external_ids))
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        query = select(*columns).where(of_board, JobPosting.external_id.in_(chunk))
        rows.update({row.id: row for row in session.execute(query)})
    return [StoredPosting(**row._asdict()) for row in rows.values()]


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


def apply_merge_plan(session: Session, job_board_id: int, plan: MergePlan) -> None:
    """Write a merge plan: inserts, updates, closures and their events, all in bulk."""
    now = utcnow()
    events: list[dict[str, Any]] = []
    if plan.inserts:
        inserted = (
            session.connection()
            .execute(
                insert(_postings).returning(_postings.c.id),
                [
                    {
                        "job_board_id": job_board_id,
                        "external_id": record.external_id,
                        **_record_columns(record),
                        "first_seen": plan.day,
                        "last_seen": plan.day,
                        "is_active": True,
                        "repost_count": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for record in plan.inserts
                ],
            )
            .scalars()
        )
        events += [_event(posting_id, "appeared", plan.day) for posting_id in inserted]
    for reappeared in (False, True):
        changes = [change for change in plan.updates if change.reappeared is reappeared]
        if not changes:
            continue
        # Reappearances also reopen the posting; other updates leave its status alone.
        reopen = {"is_active": True, "disappeared_at": None} if reappeared else {}
        session.connection().execute(
            update(_postings).where(_postings.c.id == bindparam("posting_id")),
            [
                {
                    "posting_id": change.id,
                    **_record_columns(change.record),
                    "first_seen": change.first_seen,
                    "last_seen": change.last_seen,
                    **reopen,
                    "updated_at": now,
                }
                for change in changes
            ],
        )
        if reappeared:
            events += [_event(change.id, "reappeared", plan.day) for change in changes]
    _update_ids(session, plan.touches, last_seen=plan.day, updated_at=now)
    _update_ids(session, plan.closes, is_active=False, disappeared_at=plan.day, updated_at=now)
    events += [
        _event(posting_id, "disappeared", plan.day, "not listed") for posting_id in plan.closes
    ]
    if events:
        session.execute(insert(PostingEvent), events)


def _update_ids(session: Session, ids: list[int], **values: Any) -> None:
    """One set-based UPDATE per chunk of ids: no per-row statement parameters."""
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        session.connection().execute(
            update(_postings).where(_postings.c.id.in_(chunk)).values(**values)
        )


def _event(posting_id: int, event_type: str, day: date, notes: str | None = None) -> dict[str, Any]:
    return {
        "job_posting_id": posting_id,
        "event_type": event_type,
        "event_date": day,
        "notes": notes,
        "created_at": utcnow(),
    }


@dataclass(frozen=True)
class DayCounts:
    """A board's counts for one day, read back from its history (so re-runs agree)."""

    new: int
    disappeared: int
    active: int
    reposted: int


def day_counts(session: Session, job_board_id: int, day: date) -> DayCounts:
    """First seen that day, disappeared that day, open that day, and open reposts."""
    open_that_day = (JobPosting.first_seen <= day) & (JobPosting.last_seen >= day)

    def count_where(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            count_where(JobPosting.first_seen == day),
            count_where(JobPosting.disappeared_at == day),
            count_where(open_that_day),
            count_where(open_that_day & (JobPosting.repost_count > 0)),
        ).where(
            JobPosting.job_board_id == job_board_id,
            (JobPosting.last_seen >= day) | (JobPosting.disappeared_at == day),
        )
    ).one()
    return DayCounts(*(int(value) for value in row))


# --- phases 3 and 4: whole-history frames and bulk write-back -------------------------------

POSTING_FRAME_COLUMNS: Sequence[str] = (
    "id",
    "job_board_id",
    "external_id",
    "title",
    "normalized_title",
    "company",
    "location",
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


def postings_frame(engine: Engine, columns: Sequence[str] = POSTING_FRAME_COLUMNS) -> pl.DataFrame:
    """Every posting as a polars frame (one query, no ORM objects), typed per column."""
    query = select(*(getattr(JobPosting, name) for name in columns)).order_by(JobPosting.id)
    return read_frame(engine, query, {name: _POSTING_SCHEMA[name] for name in columns})


_POSTING_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64,
    "job_board_id": pl.Int64,
    "first_seen": pl.Date,
    "last_seen": pl.Date,
    "disappeared_at": pl.Date,
    "lifespan_days": pl.Int64,
    "repost_cluster_id": pl.Int64,
    "repost_count": pl.Int64,
    "is_active": pl.Boolean,
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
        pl.Utf8,
    ),
    "posted_at": pl.Datetime("us", "UTC"),
    "salary_min": pl.Float64,
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
