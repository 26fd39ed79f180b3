"""board_day_listings: every fetched listing, believed or not, and what was decided about it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from jobboard_assets.metrics.belief import Verdict
from jobboard_assets.sources.normalize import classify_role_family, normalize_title
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.warehouse.models import BoardDayListing, RawDataSnapshot
from jobboard_assets.warehouse.queries.upsert import upsert
from jobboard_assets.warehouse.types import utcnow

_DATETIMES = ("posted_at", "expires_at")


_DOCUMENT_FIELDS = tuple(f.name for f in fields(PostingRecord) if f.name != "description_text")


def record_document(record: PostingRecord) -> dict[str, Any]:
    """A record as JSON, whole but for its description (the content hash stands for it).

    Read field by field: `dataclasses.asdict` deep-copies every value, 11 % of a board-day's
    write for a document of plain values."""
    document = {name: getattr(record, name) for name in _DOCUMENT_FIELDS}
    document["locations"] = list(record.locations)
    for name in _DATETIMES:
        moment = document[name]
        document[name] = moment.isoformat() if moment else None
    return document


def record_from_document(document: Mapping[str, Any]) -> PostingRecord:
    """The record back; a listing kept before migration 0010 (a snapshot's columns alone) gets
    its normalized title and role family from the title, as a scrape derives them."""
    values = dict(document)
    for name in _DATETIMES:
        values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
    values["locations"] = tuple(values.get("locations") or ())
    values.setdefault("normalized_title", normalize_title(values["title"], values.get("location")))
    values.setdefault("role_family", classify_role_family(values["title"]))
    for name in ("department", "remote"):
        values.setdefault(name, None)
    return PostingRecord(description_text=None, **values)


def keep(session: Session, job_board_id: int, result: ScrapeResult) -> None:
    """Keep (or replace, on a re-run) a board-day's listing, held until it is decided."""
    row = {
        "job_board_id": job_board_id,
        "listing_date": result.day,
        "board_name": result.board.name,
        "posting_count": len(result.records),
        "believed": False,
        "held_reason": None,
        "decided_on": result.day,
        "data": {
            "postings": [record_document(record) for record in result.records],
            "stats": {"pages": result.pages, "bytes_read": result.bytes_read},
        },
        "fetched_at": utcnow(),
    }
    key = ("job_board_id", "listing_date")
    upsert(session, BoardDayListing.__table__, [row], key, [c for c in row if c not in key])


def listed_ids(
    session: Session, job_board_id: int, low: date | None = None, high: date | None = None
) -> dict[date, frozenset[str]]:
    """The ids each fetched day of the board listed (between `low` and `high` when given)."""
    query = select(BoardDayListing.listing_date, BoardDayListing.data).where(
        BoardDayListing.job_board_id == job_board_id
    )
    if low is not None:
        query = query.where(BoardDayListing.listing_date >= low)
    if high is not None:
        query = query.where(BoardDayListing.listing_date <= high)
    return {
        day: frozenset(posting["external_id"] for posting in data["postings"])
        for day, data in session.execute(query)
    }


def latest_fetched_day(session: Session) -> date | None:
    """The latest day any board's listing was fetched, believed or not: a day a run computed,
    whose daily rows later runs keep current even when no board of it was believed."""
    return session.scalar(select(func.max(BoardDayListing.listing_date)))


def believed(session: Session, job_board_id: int, days: Sequence[date]) -> set[date]:
    """Which of these fetched days of the board are believed now."""
    query = select(BoardDayListing.listing_date).where(
        BoardDayListing.job_board_id == job_board_id,
        BoardDayListing.listing_date.in_(sorted(set(days))),
        BoardDayListing.believed,
    )
    return set(session.scalars(query))


def scrape_result(session: Session, job_board_id: int, day: date) -> ScrapeResult:
    """A kept listing as the scrape that fetched it, to apply it again."""
    board_name, data = session.execute(
        select(BoardDayListing.board_name, BoardDayListing.data).where(
            BoardDayListing.job_board_id == job_board_id, BoardDayListing.listing_date == day
        )
    ).one()
    stats = data.get("stats", {})
    return ScrapeResult(
        board=BoardConfig(slug="", name=board_name, kind="", url=""),
        day=day,
        records=[record_from_document(posting) for posting in data["postings"]],
        pages=stats.get("pages", 1),
        bytes_read=stats.get("bytes_read", 0),
    )


def set_verdicts(session: Session, job_board_id: int, verdicts: Mapping[date, Verdict]) -> None:
    """Record what was decided about these fetched days of the board."""
    for day, verdict in verdicts.items():
        session.execute(
            update(BoardDayListing)
            .where(
                BoardDayListing.job_board_id == job_board_id, BoardDayListing.listing_date == day
            )
            .values(believed=verdict.believed, held_reason=verdict.reason)
        )


def mark_decided(session: Session, job_board_id: int, days: Sequence[date], on: date) -> None:
    """Mark the days whose belief the arrival of day `on` decided (`earliest_redecided_change`)."""
    session.execute(
        update(BoardDayListing)
        .where(
            BoardDayListing.job_board_id == job_board_id,
            BoardDayListing.listing_date.in_(sorted(set(days))),
        )
        .values(decided_on=on)
    )


def earliest_redecided_change(session: Session, days: Sequence[date]) -> date | None:
    """The first day whose history changed when other days than `days` were re-decided by the
    arrival of `days`: the day after the board's previous observed day before each."""
    redecided = session.execute(
        select(BoardDayListing.job_board_id, BoardDayListing.listing_date).where(
            BoardDayListing.decided_on.in_(sorted(set(days))),
            BoardDayListing.listing_date.not_in(sorted(set(days))),
        )
    ).all()
    earliest: date | None = None
    for job_board_id, day in redecided:
        previous = session.scalar(
            select(func.max(RawDataSnapshot.snapshot_date)).where(
                RawDataSnapshot.job_board_id == job_board_id, RawDataSnapshot.snapshot_date < day
            )
        )
        first = day if previous is None else previous + timedelta(days=1)
        earliest = first if earliest is None else min(earliest, first)
    return earliest
