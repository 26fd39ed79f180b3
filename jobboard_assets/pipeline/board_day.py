"""Scrape and snapshot for one board-day: scrape, merge into the history, snapshot, atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jobboard_assets.metrics.belief import HELD, SuspectRule, decide, redecided, withdrawn
from jobboard_assets.metrics.spans import Neighbours, PostingState, Span, derive_state, respan
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.warehouse.db import retry_transient, session_scope
from jobboard_assets.warehouse.queries import listings, postings, snapshots
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
    held: str | None = None
    """Why the listing is kept but not believed (yet); None when the day is applied."""
    redecided: list[str] = field(default_factory=list)
    """Other days of the board this one confirmed ("2026-03-05 applied") or showed to be a dip
    ("... withdrawn")."""
    kept: bool = True
    """False when the listing was refused (`Applied.kept`): the day keeps its earlier one."""

    def as_result(self) -> dict[str, Any]:
        """The contract's job result shape (jobsScraped, newJobs) plus our counts."""
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

    The network comes first, outside any transaction; then `apply_board_day`.
    """
    started = time.perf_counter()
    result = scrape_board(board, day, client)
    fetched = time.perf_counter()
    applied = apply_board_day(engine, job_board_id, result, rule)
    counts = applied.counts or DayCounts(0, 0, 0, 0, 0)
    return BoardDayOutcome(
        board=board.slug,
        day=day,
        scraped=len(result.records),
        new=counts.new,
        disappeared=counts.disappeared,
        reappeared=counts.reappeared,
        active=counts.active,
        changed=applied.changed,
        pages=result.pages,
        bytes_read=result.bytes_read,
        fetch_seconds=round(fetched - started, 4),
        write_seconds=round(time.perf_counter() - fetched, 4),
        skipped=len(result.skipped),
        skipped_records=list(result.skipped[:SKIPPED_NAMED]),
        held=applied.held,
        kept=applied.kept,
        redecided=[
            f"{other.isoformat()} {'applied' if believed else 'withdrawn'}"
            for other, believed in sorted(applied.redecided.items())
        ],
    )


@dataclass(frozen=True)
class Applied:
    """What a fetched board-day did to the history."""

    counts: DayCounts | None
    """The day's counts when it is believed; None while it is held."""
    changed: int
    """Stored postings inserted or updated, the re-decided neighbours' included."""
    held: str | None
    """Why the day is not believed (kept, not applied), None when it is."""
    redecided: dict[date, bool]
    """Other fetched days of the board this one's arrival applied (True) or withdrew (False)."""
    kept: bool = True
    """False when the listing was refused: held, on a day an earlier believed listing observed,
    which stays (`apply_board_day`)."""


@retry_transient
def apply_board_day(
    engine: Engine, job_board_id: int, result: ScrapeResult, rule: SuspectRule
) -> Applied:
    """Keep one board-day's listing and re-decide it and its neighbours, in one transaction.

    The board's row lock serializes concurrent writers of the same board. Whether a fetched day
    is believed depends on the board's listings around it (`belief.decide`), so the day and its
    nearest fetched day on each side are decided again: each one that becomes believed is
    applied (`_apply`), each one that no longer is withdrawn (`_withdraw`). Any error rolls back
    everything of this board-day. Applying any set of board-days in any order, repeats
    included, leaves the same warehouse, so a transient database error (SQLite's lock busy too
    long, a PostgreSQL restart) applies it again (`retry_transient`).

    A re-run of an observed day whose listing would be held (an empty or broken scrape of a day
    a believed scrape observed) is refused, as a scrape that failed is: nothing of the board
    changes and the earlier listing stays kept (`Applied.kept` False). Replacing it would
    withdraw the day and take back the sightings it made; a failing or empty board never marks
    real postings as gone.
    """
    day, reach = result.day, timedelta(days=2 * rule.max_gap_days)
    with session_scope(engine) as session:
        postings.lock_board(session, job_board_id)
        observed = set(snapshots.observed_days(session, job_board_id))
        nearby = listings.listed_ids(session, job_board_id, day - reach, day + reach)
        earlier = nearby.get(day)
        nearby[day] = frozenset(record.external_id for record in result.records)
        fetched = sorted(nearby)
        verdicts = {
            other: decide(nearby, other, rule, fetched)
            for other in redecided(fetched, day, rule.max_gap_days)
        }
        if day in observed and not verdicts[day].believed:
            # A suspect re-run of an observed day: a failed scrape, like an HTTP error. Its
            # listing would withdraw the day, taking back sightings a believed scrape made.
            reason = verdicts[day].reason or ""
            return Applied(None, 0, reason.replace(HELD, _not_kept(earlier)), {}, kept=False)
        listings.keep(session, job_board_id, result)
        turned = {
            other: verdict.believed
            for other, verdict in verdicts.items()
            if other != day and verdict.believed != (other in observed)
        }
        changed = 0
        # The day's counts as its `_apply` read them, unless a later day was written after it.
        counts: DayCounts | None = None
        for other, believed in sorted({**turned, day: verdicts[day].believed}.items()):
            if believed:
                kept = (
                    result if other == day else listings.scrape_result(session, job_board_id, other)
                )
                written, other_counts = _apply(session, job_board_id, kept)
                changed += written
                counts = other_counts if other == day else None
            elif other in observed:
                changed += _withdraw(session, job_board_id, other)
                counts = None
        listings.set_verdicts(session, job_board_id, verdicts)
        listings.mark_decided(session, job_board_id, [*turned, day], day)
        held = verdicts[day].reason
        if not held and counts is None:
            now_observed = snapshots.observed_days(session, job_board_id)
            counts = postings.day_counts(
                session, job_board_id, day, Neighbours.of(now_observed, day).before
            )
    return Applied(None if held else counts, changed, held, turned)


def _not_kept(earlier: frozenset[str] | None) -> str:
    count = 0 if earlier is None else len(earlier)
    return (
        f"not kept: the day's earlier listing ({count} postings, believed) stays, as after a "
        "failed scrape"
    )


def _apply(session: Session, job_board_id: int, result: ScrapeResult) -> tuple[int, DayCounts]:
    """Make a believed day an observed day of the history; returns the postings written and
    the day's counts.

    Only the postings around the day are read and rewritten: those listed that day and those
    listed on the board's nearest observed day before or after it (`merge` derives their history
    from their spans).
    """
    day = result.day
    records = {record.external_id: record for record in result.records}
    observed = snapshots.observed_days(session, job_board_id)
    around = Neighbours.of(observed, day)
    nearby = postings.spans_between(
        session, job_board_id, around.before or day, around.after or day
    )
    touched = {
        s.job_posting_id
        for s in nearby
        if s.first_day <= day <= s.last_day or s.last_day == around.before
    }
    stored = postings.stored_histories(session, job_board_id, touched, records)
    observed_after = sorted({*observed, day})
    fresh = derive_state([(day, day)], observed_after)  # every new posting's: listed that day
    inserted = postings.insert_postings(
        session, job_board_id, [r for r in records.values() if r.external_id not in stored], fresh
    )
    postings.update_record_columns(
        session,
        {
            history.id: records[external_id]
            for external_id, history in stored.items()
            if external_id in records
            and day >= history.last_seen
            and _listing_changed(history, records[external_id])
        },
    )
    changes, changed_days = _history_changes(
        job_board_id,
        stored,
        lambda external_id, spans: respan(spans, day, around, external_id in records),
        (inserted, fresh),
        day,
        observed_after,
    )
    postings.write_histories(session, changes)
    counts = postings.day_counts(session, job_board_id, day, around.before)
    snapshots.upsert_snapshot(session, snapshot_row(job_board_id, result, counts))
    _refresh_counts(
        session, job_board_id, changed_days.intersection(observed) - {day}, observed_after
    )
    return len(inserted) + len(changes), counts


def _withdraw(session: Session, job_board_id: int, day: date) -> int:
    """Make an observed day a gap again (its listing stays kept); returns the postings written.

    The postings it touches are those with a span overlapping its neighbours: it joins or cuts
    their spans. A posting last seen on it takes the listing columns of its sighting before.
    """
    remaining = [other for other in snapshots.observed_days(session, job_board_id) if other != day]
    around = Neighbours.of(remaining, day)
    nearby = postings.spans_between(
        session, job_board_id, around.before or day, around.after or day
    )
    stored = postings.stored_histories(
        session, job_board_id, {s.job_posting_id for s in nearby}, ()
    )
    changes, changed_days = _history_changes(
        job_board_id,
        stored,
        lambda _, spans: withdrawn(spans, day, around.before, around.after),
        None,
        day,
        remaining,
    )
    postings.write_histories(session, changes)
    _restore_record_columns(
        session,
        job_board_id,
        {h.id: h.external_id for h in stored.values() if h.last_seen == day},
        changes,
    )
    snapshots.delete_snapshot(session, job_board_id, day)
    _refresh_counts(session, job_board_id, changed_days.intersection(remaining), remaining)
    return len(changes)


def _restore_record_columns(
    session: Session,
    job_board_id: int,
    last_seen_withdrawn: dict[int, str],
    changes: list[postings.HistoryChange],
) -> None:
    """Give postings last seen on a withdrawn day the listing columns of their latest sighting
    now, wherever it is: the board's observed day before the withdrawn one need not list them
    (they may have been listed last days earlier, with unlisted observed days in between)."""
    by_day: dict[date, dict[str, int]] = {}
    for change in changes:
        external_id = last_seen_withdrawn.get(change.posting_id)
        if external_id is not None and change.state is not None:
            by_day.setdefault(change.state.last_seen, {})[external_id] = change.posting_id
    for last_seen, ids in sorted(by_day.items()):
        records = listings.scrape_result(session, job_board_id, last_seen).records
        postings.update_record_columns(
            session, {ids[r.external_id]: r for r in records if r.external_id in ids}
        )


def _refresh_counts(
    session: Session, job_board_id: int, days: set[date], observed_days: list[date]
) -> None:
    """Set the counts of other observed days whose events a day changed (`observed_days`: the
    board's observed days now)."""
    for other_day in sorted(days):
        previous = Neighbours.of(observed_days, other_day).before
        other = postings.day_counts(session, job_board_id, other_day, previous)
        snapshots.set_day_counts(
            session,
            job_board_id,
            other_day,
            {
                "new_postings": other.new,
                "disappeared_postings": other.disappeared,
                "active_postings": other.active,
            },
        )


def _history_changes(
    job_board_id: int,
    stored: dict[str, postings.StoredHistory],
    respanned: Callable[[str, tuple[Span, ...]], list[Span]],
    inserted: tuple[dict[str, int], PostingState] | None,
    day: date,
    observed_days: list[date],
) -> tuple[list[postings.HistoryChange], set[date]]:
    """The postings whose history the day changes, and the days whose counts change with them.

    `respanned`: a stored posting's spans (by external id) after the change; `inserted`: new
    postings, listed on `day` alone, and the state they were inserted with.
    """
    changes = []
    changed_days: set[date] = set()
    for external_id, history in stored.items():
        spans = tuple(respanned(external_id, history.spans))
        state = derive_state(spans, observed_days) if spans else None
        new_events = set(state.events) if state else set()
        events_changed = new_events != set(history.events)
        if spans == history.spans and state is not None and _same_state(history, state):
            continue
        changes.append(
            postings.HistoryChange(
                history.id,
                job_board_id,
                spans,
                state,
                spans_changed=spans != history.spans,
                events_changed=events_changed,
            )
        )
        changed_days |= {event[1] for event in new_events ^ set(history.events)}
    if inserted:
        ids, state = inserted
        changes += [
            postings.HistoryChange(posting_id, job_board_id, ((day, day),), state, inserted=True)
            for posting_id in ids.values()
        ]
        if ids:
            changed_days |= {event[1] for event in state.events}
    return changes, changed_days


def _listing_changed(history: postings.StoredHistory, record: PostingRecord) -> bool:
    """The latest sighting shows other content or another board date (a re-stamp is kept), or
    the same date now stated where it was read from a phrase (or the other way round)."""
    return (
        record.content_hash != history.content_hash
        or record.posted_at != history.posted_at
        or record.posted_at_approximate != history.posted_at_approximate
    )


def _same_state(history: postings.StoredHistory, state: PostingState) -> bool:
    return (
        history.first_seen == state.first_seen
        and history.last_seen == state.last_seen
        and history.is_active == state.is_active
        and history.disappeared_at == state.disappeared_at
        and history.lifespan_days == state.lifespan_days
        and sorted(history.events) == sorted(state.events)
    )


@dataclass(frozen=True)
class BoardDayFailure:
    """Why a board-day was not applied: a gap in the board's history, which closes nothing."""

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
) -> tuple[list[BoardDayOutcome], list[BoardDayFailure]]:
    """A board's days in order; a failed day is a gap that the board's next observed day
    decides (the history does not depend on the order of days), so the later days still apply.

    Any error of this board is caught here and returned, so it can never affect another board.
    """
    if board is None or job_board_id is None:
        reason = (
            "no such board in the registry (JOBBOARD_BOARDS_FILE): board partitions come only "
            "from the registry; one added by hand is removed by the board_registry_sensor"
        )
        return [], [BoardDayFailure(slug, day, reason) for day in days]
    outcomes, failures = [], []
    for day in days:
        try:
            outcomes.append(process_board_day(engine, job_board_id, board, day, client, rule))
        except Exception as error:  # noqa: BLE001 - whatever it is, it is this board's alone
            failures.append(BoardDayFailure(slug, day, str(error)))
    return _settled(engine, job_board_id, outcomes, failures)


def _settled(
    engine: Engine,
    job_board_id: int,
    outcomes: list[BoardDayOutcome],
    failures: list[BoardDayFailure],
) -> tuple[list[BoardDayOutcome], list[BoardDayFailure]]:
    """A day held when it arrived but confirmed by a later day of the same run is applied: its
    counts are read back. One still held fails, saying why (it stays kept: a later day may yet
    confirm it). A refused listing (`Applied.kept` False) fails: its day is believed, but with
    the earlier listing."""
    held = [outcome for outcome in outcomes if outcome.held]
    if not held:
        return outcomes, failures
    counts: dict[date, DayCounts] = {}
    with session_scope(engine) as session:
        waiting = [outcome.day for outcome in held if outcome.kept]
        now = listings.believed(session, job_board_id, waiting) if waiting else set()
        observed = snapshots.observed_days(session, job_board_id)
        for day in now:
            previous = Neighbours.of(observed, day).before
            counts[day] = postings.day_counts(session, job_board_id, day, previous)
    settled = [
        replace(
            outcome,
            held=None,
            new=counts[outcome.day].new,
            disappeared=counts[outcome.day].disappeared,
            reappeared=counts[outcome.day].reappeared,
            active=counts[outcome.day].active,
        )
        if outcome.kept and outcome.day in counts
        else outcome
        for outcome in outcomes
    ]
    return [outcome for outcome in settled if not outcome.held], failures + [
        BoardDayFailure(outcome.board, outcome.day, outcome.held)
        for outcome in settled
        if outcome.held
    ]


def snapshot_row(job_board_id: int, result: ScrapeResult, counts: DayCounts) -> dict[str, Any]:
    """Snapshot: the contract's snapshot of a board-day, with the full listing in `data`."""
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
            "posted_at_approximate": record.posted_at_approximate,
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
