"""Phases 1 and 2 for one board-day: scrape, merge into the history, snapshot, atomically."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from jobboard_assets.pipeline.merge import SuspectRule, plan_merge
from jobboard_assets.pipeline.pause import pause_mid_write
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig, ScrapeResult
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import postings, snapshots
from jobboard_assets.warehouse.queries.postings import DayCounts

SKIPPED_NAMED = 50
"""Unusable records named per board-day in its metadata: enough to find them, bounded."""
PARALLEL_BOARDS = 4
"""Boards scraped at once by default: enough to overlap network waits on two cores."""


@dataclass(frozen=True)
class BoardDayOutcome:
    """What a board-day looks like after it was applied; the partition's metadata and job result.

    The day's counts are read back from the history, so re-running a day reports the same
    numbers; `changed` says how many stored rows this particular run inserted or updated.
    """

    board: str
    day: date
    scraped: int
    new: int
    disappeared: int
    reappeared: int
    active: int
    changed: int
    pages: int
    bytes_read: int
    fetch_seconds: float
    write_seconds: float
    skipped: int = 0
    """Listed records that could not be used (no id, no title), left out of the history."""
    skipped_records: list[str] = field(default_factory=list)
    """Which ones and why (the first `SKIPPED_NAMED`)."""

    def as_result(self) -> dict[str, Any]:
        """The seed's job result shape (jobsScraped, newJobs) plus our counts."""
        values = asdict(self)
        values["day"] = self.day.isoformat()
        return {"jobsScraped": self.scraped, "newJobs": self.new, **values}


def process_board_day(
    engine: Engine,
    job_board_id: int,
    board: BoardConfig,
    day: date,
    client: PoliteHttpClient,
    rule: SuspectRule,
) -> BoardDayOutcome:
    """Scrape one board for one day and apply it, snapshot included, in one transaction.

    The network comes first, outside any transaction; then the board's row lock serializes
    concurrent writers of the same board. Any error (source, suspect scrape, database) rolls
    back everything of this board-day: it is applied fully or not at all.
    """
    started = time.perf_counter()
    result = scrape_board(board, day, client)
    fetched = time.perf_counter()
    with session_scope(engine) as session:
        postings.lock_board(session, job_board_id)
        stored = postings.load_merge_state(
            session, job_board_id, (record.external_id for record in result.records)
        )
        plan = plan_merge(stored, result.records, day, rule)
        postings.apply_merge_plan(session, job_board_id, plan)
        pause_mid_write(board.slug)  # test-only, inert unless asked for: see pipeline/pause.py
        counts = postings.day_counts(session, job_board_id, day)
        snapshots.upsert_snapshot(session, snapshot_row(job_board_id, result, counts))
    return BoardDayOutcome(
        board=board.slug,
        day=day,
        scraped=len(result.records),
        new=counts.new,
        disappeared=counts.disappeared,
        reappeared=plan.reappeared,
        active=counts.active,
        changed=len(plan.inserts) + len(plan.updates) + len(plan.touches) + len(plan.closes),
        pages=result.pages,
        bytes_read=result.bytes_read,
        fetch_seconds=round(fetched - started, 4),
        write_seconds=round(time.perf_counter() - fetched, 4),
        skipped=len(result.skipped),
        skipped_records=list(result.skipped[:SKIPPED_NAMED]),
    )


@dataclass(frozen=True)
class BoardDayFailure:
    """Why a board-day was not applied (and so neither were the board's later days)."""

    board: str
    day: date
    reason: str

    def __str__(self) -> str:
        return f"board '{self.board}' {self.day}: {self.reason}"


def process_board_days(
    engine: Engine,
    job_board_id: int | None,
    board: BoardConfig | None,
    slug: str,
    days: list[date],
    client: PoliteHttpClient,
    rule: SuspectRule,
) -> tuple[list[BoardDayOutcome], BoardDayFailure | None]:
    """A board's days in order, stopping at the first failure: later days would merge over a gap.

    Any error of this board is caught here and returned, so it can never affect another board.
    """
    if board is None or job_board_id is None:
        return [], BoardDayFailure(
            slug,
            days[0],
            "no such board in the registry (JOBBOARD_BOARDS_FILE): board partitions come only "
            "from the registry; one added by hand is removed by the board_registry_sensor",
        )
    outcomes = []
    for day in days:
        try:
            outcomes.append(process_board_day(engine, job_board_id, board, day, client, rule))
        except Exception as error:  # noqa: BLE001 - whatever it is, it is this board's alone
            return outcomes, BoardDayFailure(slug, day, str(error))
    return outcomes, None


def snapshot_row(job_board_id: int, result: ScrapeResult, counts: DayCounts) -> dict[str, Any]:
    """Phase 2: the seed's snapshot of a board-day, with the full listing in `data`."""
    stats = {
        "posting_count": len(result.records),
        "new_postings": counts.new,
        "active_postings": counts.active,
        "disappeared_postings": counts.disappeared,
        "repost_count": counts.reposted,
        "pages": result.pages,
        "bytes_read": result.bytes_read,
    }
    listing = [
        {
            "external_id": record.external_id,
            "title": record.title,
            "company": record.company,
            "location": record.location,
            "url": record.url,
            "posted_at": record.posted_at.isoformat() if record.posted_at else None,
            "content_hash": record.content_hash,
        }
        for record in result.records
    ]
    return {
        "job_board_id": job_board_id,
        "board_name": result.board.name,
        "snapshot_date": result.day,
        "posting_count": stats["posting_count"],
        "new_postings": counts.new,
        "active_postings": counts.active,
        "disappeared_postings": counts.disappeared,
        "repost_count": counts.reposted,
        "data": {"postings": listing, "stats": stats},
    }
