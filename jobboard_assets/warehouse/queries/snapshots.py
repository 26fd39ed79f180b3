"""raw_data_snapshots: one row per board per day."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import RawDataSnapshot
from jobboard_assets.warehouse.queries.frames import read_frame
from jobboard_assets.warehouse.queries.upsert import upsert
from jobboard_assets.warehouse.types import utcnow

SNAPSHOT_KEY = ("job_board_id", "snapshot_date")


def insert_snapshot(session: Session, snapshot: dict[str, Any]) -> None:
    """Insert a new snapshot; a second one for the same board and day violates the constraint."""
    session.execute(insert(RawDataSnapshot), [_with_defaults(snapshot)])


def upsert_snapshot(session: Session, snapshot: dict[str, Any]) -> None:
    """Insert or replace the snapshot of (job_board_id, snapshot_date): re-runs are idempotent."""
    row = _with_defaults(snapshot)
    update_columns = [c for c in row if c not in (*SNAPSHOT_KEY, "id", "created_at")]
    upsert(session, RawDataSnapshot.__table__, [row], SNAPSHOT_KEY, update_columns)


def get_snapshot(
    session: Session, job_board_id: int, snapshot_date: date
) -> RawDataSnapshot | None:
    """The snapshot of one board on one day, if any."""
    return session.scalars(
        select(RawDataSnapshot).where(
            RawDataSnapshot.job_board_id == job_board_id,
            RawDataSnapshot.snapshot_date == snapshot_date,
        )
    ).one_or_none()


def _with_defaults(snapshot: dict[str, Any]) -> dict[str, Any]:
    import uuid

    return {"id": uuid.uuid4(), "created_at": utcnow(), **snapshot}


def set_repost_counts(session: Session, counts: list[dict[str, Any]]) -> None:
    """Set `repost_count` of the given (job_board_id, snapshot_date) snapshots in one executemany."""
    if counts:
        table = RawDataSnapshot.__table__
        session.connection().execute(
            update(table)
            .where(
                table.c.job_board_id == bindparam("board"),
                table.c.snapshot_date == bindparam("day"),
            )
            .values(repost_count=bindparam("reposted")),
            [
                {
                    "board": row["job_board_id"],
                    "day": row["snapshot_date"],
                    "reposted": row["repost_count"],
                }
                for row in counts
            ],
        )


def observed_days(session: Session, job_board_id: int) -> list[date]:
    """The board's observed days (those with a snapshot), in order: failed days are gaps."""
    query = (
        select(RawDataSnapshot.snapshot_date)
        .where(RawDataSnapshot.job_board_id == job_board_id)
        .order_by(RawDataSnapshot.snapshot_date)
    )
    return list(session.scalars(query))


def listed_ids(session: Session, job_board_id: int) -> dict[date, set[str]]:
    """The ids each observed day of the board listed, from the listings its snapshots keep.

    Raises ValueError for a snapshot without its listing (rows loaded by other means, such as
    the benchmarks' bulk history, keep only counts): nothing can be recomputed from it.
    """
    query = select(RawDataSnapshot.snapshot_date, RawDataSnapshot.data).where(
        RawDataSnapshot.job_board_id == job_board_id
    )
    listed: dict[date, set[str]] = {}
    for day, data in session.execute(query):
        if "postings" not in (data or {}):
            raise ValueError(f"the snapshot of board {job_board_id} on {day} keeps no listing")
        listed[day] = {posting["external_id"] for posting in data["postings"]}
    return listed


def delete_snapshot(session: Session, job_board_id: int, day: date) -> None:
    """Forget a day withdrawn from the history: it is a gap again (its listing stays kept)."""
    session.execute(
        delete(RawDataSnapshot).where(
            RawDataSnapshot.job_board_id == job_board_id, RawDataSnapshot.snapshot_date == day
        )
    )


def set_day_counts(session: Session, job_board_id: int, day: date, counts: dict[str, int]) -> None:
    """Set the counts of an existing snapshot (a later day whose counts an earlier day changed)."""
    session.execute(
        update(RawDataSnapshot)
        .where(RawDataSnapshot.job_board_id == job_board_id, RawDataSnapshot.snapshot_date == day)
        .values(**counts)
    )


def latest_observed_day(session: Session) -> date | None:
    """The latest day any board was observed: the history phases must reach it after a backfill."""
    return session.scalar(select(func.max(RawDataSnapshot.snapshot_date)))


def earliest_previous_observed_day(session: Session, days: list[date]) -> date | None:
    """The earliest of the observed days just before `days` of the boards observed on them.

    One indexed lookup per board-day observed on `days` (a correlated subquery on the
    (job_board_id, snapshot_date) index), whatever the length of the history.
    """
    earlier = RawDataSnapshot.__table__.alias("earlier")
    before = (
        select(func.max(earlier.c.snapshot_date))
        .where(
            earlier.c.job_board_id == RawDataSnapshot.job_board_id,
            earlier.c.snapshot_date < RawDataSnapshot.snapshot_date,
        )
        .scalar_subquery()
    )
    previous = select(before.label("previous")).where(
        RawDataSnapshot.snapshot_date.in_(sorted(set(days)))
    )
    earliest: date | None = session.scalar(select(func.min(previous.subquery().c.previous)))
    return earliest


def observed_days_frame(engine: Engine) -> pl.DataFrame:
    """Every board's observed days (`job_board_id`, `day`): where each board's tracking starts."""
    query = select(RawDataSnapshot.job_board_id, RawDataSnapshot.snapshot_date.label("day"))
    return read_frame(engine, query, {"job_board_id": pl.Int64(), "day": pl.Date()})
