"""raw_data_snapshots: one row per board per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import JobPosting, RawDataSnapshot
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


def refresh_repost_counts(session: Session, days: list[date]) -> int:
    """Set each snapshot's repost_count from the postings' current repost clusters.

    Reposts are detected after the snapshots are taken (phase 4 after phase 2), so phase 4
    refreshes the count of the days it ran for: the number of postings open that day that
    belong to a repost cluster.
    """
    reposted = (
        select(func.count())
        .where(
            JobPosting.job_board_id == RawDataSnapshot.job_board_id,
            JobPosting.first_seen <= RawDataSnapshot.snapshot_date,
            JobPosting.last_seen >= RawDataSnapshot.snapshot_date,
            JobPosting.repost_count > 0,
        )
        .scalar_subquery()
    )
    result = session.execute(
        update(RawDataSnapshot)
        .where(RawDataSnapshot.snapshot_date.in_(days))
        .values(repost_count=reposted)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
