"""What a board looks like in the warehouse, backend-neutral, and what a clean history gives.

Every reliability test ends with the same two questions: is each board-day applied fully or not
at all, and is what was applied equal to what a clean, sequential scrape of the same simulated
days stores? `board_states` answers with plain values keyed by slug and external id (no surrogate
ids, no bookkeeping timestamps), so a state on PostgreSQL compares equal to one on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import process_board_day
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.server import SimServer
from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.models import (
    JobBoard,
    JobPosting,
    PostingEvent,
    RawDataSnapshot,
)
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards
from jobboard_assets_tests.platform import SIM_BOARDS, SIM_SEED

START = date(2026, 2, 2)
"""Day 1 of every reliability scenario; day k is START + k - 1, so one clean history serves all."""

_POSTING_COLUMNS = (
    "first_seen",
    "last_seen",
    "is_active",
    "disappeared_at",
    "title",
    "normalized_title",
    "url",
    "company",
    "location",
    "department",
    "role_family",
    "remote",
    "posted_at",
    "content_hash",
)


def day(number: int) -> date:
    """Day `number` (1-based) of a scenario."""
    return START + timedelta(days=number - 1)


@dataclass(frozen=True)
class Snapshot:
    """A raw_data_snapshots row without ids and the repost count.

    The repost count is left out because the reposts phase recomputes it over the whole history after the
    snapshot was taken; it is not part of what a board-day writes.
    """

    posting_count: int
    new: int
    active: int
    disappeared: int
    listing: tuple[tuple[Any, ...], ...]
    pages: int
    bytes_read: int


@dataclass
class BoardState:
    """One board's postings, events and snapshots as plain values."""

    postings: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    events: list[tuple[str, str, date]] = field(default_factory=list)
    snapshots: dict[date, Snapshot] = field(default_factory=dict)

    def column(self, name: str) -> dict[str, Any]:
        """external_id -> the value of one posting column."""
        index = _POSTING_COLUMNS.index(name)
        return {external_id: row[index] for external_id, row in self.postings.items()}

    def active_ids(self) -> set[str]:
        return {external_id for external_id, active in self.column("is_active").items() if active}

    def events_on(self, on: date, event_type: str | None = None) -> list[str]:
        """External ids with an event that day (of one type), duplicates kept."""
        return sorted(
            external_id
            for external_id, kind, when in self.events
            if when == on and event_type in (None, kind)
        )


def board_states(engine: Engine) -> dict[str, BoardState]:
    """Every board's state, by slug (boards without rows included)."""
    states: dict[str, BoardState] = {}
    with session_scope(engine) as session:
        for slug in session.scalars(select(JobBoard.slug)):
            states[slug] = BoardState()
        columns = [getattr(JobPosting, name) for name in _POSTING_COLUMNS]
        for slug, external_id, *values in session.execute(
            select(JobBoard.slug, JobPosting.external_id, *columns).join(JobPosting)
        ):
            states[slug].postings[external_id] = tuple(values)
        for slug, external_id, kind, when in session.execute(
            select(
                JobBoard.slug,
                JobPosting.external_id,
                PostingEvent.event_type,
                PostingEvent.event_date,
            )
            .join(JobPosting, JobPosting.job_board_id == JobBoard.id)
            .join(PostingEvent, PostingEvent.job_posting_id == JobPosting.id)
        ):
            states[slug].events.append((external_id, kind, when))
        for slug, snapshot in session.execute(
            select(JobBoard.slug, RawDataSnapshot).join(RawDataSnapshot)
        ):
            states[slug].snapshots[snapshot.snapshot_date] = _snapshot(snapshot)
    for state in states.values():
        state.events.sort()
    return states


def _snapshot(row: RawDataSnapshot) -> Snapshot:
    data = row.data or {}
    stats = data.get("stats", {})
    return Snapshot(
        posting_count=row.posting_count,
        new=row.new_postings,
        active=row.active_postings,
        disappeared=row.disappeared_postings,
        listing=tuple(tuple(sorted(item.items())) for item in data.get("postings", [])),
        pages=stats.get("pages", 0),
        bytes_read=stats.get("bytes_read", 0),
    )


def trace_of_day(state: BoardState, on: date) -> str:
    """Whether a board's latest day is "applied" or "absent"; AssertionError if half-written.

    Applied: the snapshot exists and agrees with the postings and events written that day.
    Absent: nothing of that day anywhere (no snapshot, no posting seen or closed that day, no
    event that day).
    """
    seen = {i for i, last in state.column("last_seen").items() if last == on}
    new = {i for i, first in state.column("first_seen").items() if first == on}
    gone = {i for i, when in state.column("disappeared_at").items() if when == on}
    appeared_events = state.events_on(on, "appeared")
    disappeared_events = state.events_on(on, "disappeared")
    snapshot = state.snapshots.get(on)
    if snapshot is None:
        leftovers = seen | new | gone | set(state.events_on(on))
        assert not leftovers, f"no snapshot of {on} but {len(leftovers)} postings/events of it"
        return "absent"
    listed = {dict(item)["external_id"] for item in snapshot.listing}
    assert listed == seen, f"{on}: snapshot lists {len(listed)}, postings seen {len(seen)}"
    assert snapshot.posting_count == len(seen)
    assert snapshot.new == len(new) and sorted(new) == appeared_events
    assert snapshot.disappeared == len(gone) and sorted(gone) == disappeared_events
    return "applied"


@contextmanager
def served_market() -> Iterator[tuple[SimulatedMarket, SimServer]]:
    """The platform's simulated market, served on a free loopback port."""
    market = SimulatedMarket(seed=SIM_SEED, n_boards=SIM_BOARDS)
    with SimServer(market) as server:
        yield market, server


class CleanReference:
    """Board states after each day of a clean, sequential scrape of the platform's market.

    Computed with `process_board_day`, the function every pipeline run calls per board-day, on a
    SQLite warehouse of its own: one board-day after the other, no faults, no concurrency, no
    crash. Days are applied in order from START on demand and each day's states are kept.
    """

    def __init__(self, directory: Path, market: SimulatedMarket, server: SimServer) -> None:
        self.market = market
        self._registry = market.board_configs(server.base_url)
        self._engine = make_engine(f"sqlite:///{directory / 'reference.db'}")
        migrate.upgrade(self._engine)
        with session_scope(self._engine) as session:
            sync_boards(session, self._registry)
            self._ids = board_ids_by_slug(session)
        self._client = PoliteHttpClient(HttpSettings(min_interval=0))
        self._states: dict[date, dict[str, BoardState]] = {}

    def after(self, on: date) -> dict[str, BoardState]:
        """The states once every board was scraped each day from START to `on`."""
        current = START + timedelta(days=len(self._states))
        while current <= on:
            for board in self._registry:
                process_board_day(
                    self._engine, self._ids[board.slug], board, current, self._client, SuspectRule()
                )
            self._states[current] = board_states(self._engine)
            current += timedelta(days=1)
        return self._states[on]

    def served_ids(self, slug: str, on: date) -> set[str]:
        """The external ids the simulated board lists on `on` (its ground truth)."""
        return {posting.external_id for posting in self.market.postings_on(slug, on)}

    def close(self) -> None:
        self._client.close()
        self._engine.dispose()
