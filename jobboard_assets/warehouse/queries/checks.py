"""Data-quality queries behind the asset checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import JobPosting, RawDataSnapshot


def duplicate_postings(session: Session, written_since: datetime) -> list[dict[str, Any]]:
    """(board, external_id) pairs stored more than once among the postings written since
    `written_since` (at most 20): by the `updated_at` index, so a day's check reads that day's
    writes, not years of postings (6 s at 1.04M postings on SQLite)."""
    rows = session.execute(
        select(JobPosting.job_board_id, JobPosting.external_id, func.count().label("copies"))
        .where(JobPosting.updated_at >= written_since)
        .group_by(JobPosting.job_board_id, JobPosting.external_id)
        .having(func.count() > 1)
        .limit(20)
    )
    return [dict(row._mapping) for row in rows]


def negative_lifespans(session: Session, written_since: datetime) -> int:
    """Postings written since `written_since` whose lifespan is below zero."""
    return (
        session.scalar(
            select(func.count()).where(
                JobPosting.lifespan_days < 0, JobPosting.updated_at >= written_since
            )
        )
        or 0
    )


def _snapshots_ranked() -> Select[Any]:
    """Every snapshot with its recency per board (1 = the board's latest day)."""
    recency = func.row_number().over(
        partition_by=RawDataSnapshot.job_board_id, order_by=RawDataSnapshot.snapshot_date.desc()
    )
    return select(
        RawDataSnapshot.job_board_id,
        RawDataSnapshot.board_name,
        RawDataSnapshot.snapshot_date,
        RawDataSnapshot.posting_count,
        RawDataSnapshot.active_postings,
        recency.label("recency"),
    )


def snapshot_mismatches(session: Session) -> list[dict[str, Any]]:
    """Boards whose latest snapshot disagrees with job_postings.

    On a board's latest snapshot day D the postings listed that day are exactly those with
    last_seen = D, and the active ones are those still active.
    """
    latest = _snapshots_ranked().subquery()
    of_board = JobPosting.job_board_id == latest.c.job_board_id
    seen = (
        select(func.count())
        .where(of_board, JobPosting.last_seen == latest.c.snapshot_date)
        .scalar_subquery()
    )
    active = select(func.count()).where(of_board, JobPosting.is_active).scalar_subquery()
    rows = session.execute(
        select(latest, seen.label("seen"), active.label("active")).where(latest.c.recency == 1)
    ).mappings()
    return [
        {
            "board": row["board_name"],
            "day": row["snapshot_date"].isoformat(),
            "snapshot_listed": row["posting_count"],
            "postings_last_seen_that_day": row["seen"],
            "snapshot_active": row["active_postings"],
            "postings_active": row["active"],
        }
        for row in rows
        if row["seen"] != row["posting_count"] or row["active"] != row["active_postings"]
    ]


def shrinking_boards(session: Session, min_ratio: float, lookback: int = 7) -> list[dict[str, Any]]:
    """Boards whose latest listing is below `min_ratio` of their median over the previous days."""
    ranked = _snapshots_ranked().subquery()
    history = (
        select(ranked.c.job_board_id, ranked.c.posting_count)
        .where(ranked.c.recency > 1, ranked.c.recency <= lookback + 1)
        .subquery()
    )
    previous = _group(session.execute(select(history.c.job_board_id, history.c.posting_count)))
    latest = session.execute(select(ranked).where(ranked.c.recency == 1)).mappings()
    flagged = []
    for row in latest:
        counts = sorted(previous.get(row["job_board_id"], []))
        if not counts:
            continue
        median = counts[len(counts) // 2]
        if row["posting_count"] < min_ratio * median:
            flagged.append(
                {
                    "board": row["board_name"],
                    "day": row["snapshot_date"].isoformat(),
                    "listed": row["posting_count"],
                    "median_before": median,
                }
            )
    return flagged


def _group(rows: Any) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for board_id, count in rows:
        grouped.setdefault(board_id, []).append(count)
    return grouped
