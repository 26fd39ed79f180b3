"""The history is a function of which board-days were fetched and what each listed, not of the
order they arrived in: whether a day is believed is decided from its neighbours' listings, so any
order, with repeats, gaps and broken scrapes, leaves the in-order warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select

from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import (
    BoardDayFailure,
    BoardDayOutcome,
    _settled,
    apply_board_day,
)
from jobboard_assets.pipeline.rebuild import rebuild
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import (
    BoardDayListing,
    JobBoard,
    JobPosting,
    PostingEvent,
    PostingSpan,
    RawDataSnapshot,
)
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards

START = date(2026, 3, 1)
DAYS = 10
BOARDS = ("alpha", "beta")
RULE = SuspectRule()
"""The guard as shipped: a board-day is believed or held from its neighbours' listings."""

Listing = tuple[int, ...]  # the ids listed, each with a board date of its own


def record(external_id: str, day: date, stamp: int) -> PostingRecord:
    """A posting whose board date, and whether that date is a phrase's (approximate), depend on
    the day: the latest sighting's must win."""
    return PostingRecord(
        external_id=external_id,
        url=f"https://example.test/{external_id}",
        title=f"Engineer {external_id}",
        company="Acme",
        location="Berlin",
        department=None,
        remote=False,
        posted_at=datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=stamp),
        description_text=None,
        content_hash=f"hash-{external_id}-{stamp}",
        normalized_title=f"engineer {external_id}",
        role_family="engineering",
        posted_at_approximate=stamp % 2 == 1,
    )


def result(slug: str, day: date, listing: Listing) -> ScrapeResult:
    board = BoardConfig(slug=slug, name=slug.title(), kind="json", url="https://example.test")
    return ScrapeResult(
        board=board,
        day=day,
        records=[record(f"{slug}-{i}", day, (i * 7 + day.day) % 5) for i in listing],
    )


FAULTS = ("ok", "ok", "ok", "ok", "gap", "http_500", "empty", "truncated", "tiny")
"""What can happen to a board-day: a gap is never run, an HTTP 500 fetches nothing; an empty,
truncated or tiny listing is fetched and kept."""

Arrival = tuple[str, date, Listing]
"""A fetched board-day as it arrives: board, day, the ids listed."""


@st.composite
def board_days(draw: st.DrawFn) -> list[Arrival]:
    """Per board, a market that ramps up and down (a window of ids sliding with turnover), each
    day hit by one of `FAULTS`; the fetched listings in date order. Sizes cross the guard's
    `min_active` and stay small, so an example (and its shrinking) takes a second or two."""
    fetched = []
    for slug in BOARDS:
        size, first = draw(st.integers(0, 24)), 0
        for offset in range(DAYS):
            size = max(0, min(30, size + draw(st.integers(-10, 10), label="growth")))
            first += draw(st.integers(0, 3), label="turnover")
            listing = tuple(range(first, first + size))
            fault = draw(st.sampled_from(FAULTS), label="fault")
            if fault in ("gap", "http_500"):
                continue
            if fault == "empty":
                listing = ()
            elif fault == "truncated":
                listing = listing[: len(listing) // 4]
            elif fault == "tiny":
                listing = listing[:2]
            fetched.append((slug, START + timedelta(days=offset), listing))
    return fetched


@st.composite
def arrivals(draw: st.DrawFn) -> list[Arrival]:
    """The fetched board-days in a random order, some of them run again."""
    days = draw(board_days())
    order = list(draw(st.permutations(days), label="order"))
    if days:
        for repeat in draw(st.lists(st.sampled_from(days), max_size=4), label="repeats"):
            order.insert(draw(st.integers(0, len(order)), label="at"), repeat)
    return order


def reference_beliefs(listings: dict[date, frozenset[int]]) -> set[date]:
    """The rule of docs/history.md written again, independently: a day is believed when its
    nearest fetched day before (within the gap) lists something and does not show it short, or
    when its nearest fetched day after does not; a first observation (nothing listed before)
    of fewer than ten postings needs the latter."""

    def short(day: date, other: date) -> bool:
        mine, theirs = listings[day], listings[other]
        if not theirs:
            return False
        if not mine:
            return True
        return len(theirs) >= RULE.min_active and (len(mine) * 2 < len(theirs) or not mine & theirs)

    believed = set()
    for day in listings:
        near = [d for d in listings if d != day and abs((d - day).days) <= RULE.max_gap_days]
        before = max((d for d in near if d < day), default=None)
        after = min((d for d in near if d > day), default=None)
        first = before is None or not listings[before]
        vouched = not first and before is not None and not short(day, before)
        alone = first and len(listings[day]) >= RULE.min_active
        confirmed = after is not None and bool(listings[day] or before) and not short(day, after)
        if vouched or alone or confirmed:
            believed.add(day)
    return believed


def reference_history(fetched: dict[tuple[str, date], Listing]) -> dict[str, list[Any]]:
    """What the history must hold, from the reference's own beliefs: the believed days, each
    posting's spans (runs of consecutive believed days of its board listing it) and the content
    of its latest believed sighting."""
    observed, spans, latest = [], [], []
    for slug in BOARDS:
        listings = {d: frozenset(listed) for (s, d), listed in fetched.items() if s == slug}
        believed = sorted(reference_beliefs(listings))
        observed += [(slug, day) for day in believed]
        runs: dict[str, list[list[date]]] = {}
        sighting: dict[str, str] = {}
        for position, day in enumerate(believed):
            for posting in result(slug, day, fetched[(slug, day)]).records:
                mine = runs.setdefault(posting.external_id, [])
                if mine and position and mine[-1][1] == believed[position - 1]:
                    mine[-1][1] = day
                else:
                    mine.append([day, day])
                sighting[posting.external_id] = posting.content_hash or ""
        spans += [(slug, i, first, last) for i, mine in runs.items() for first, last in mine]
        latest += [(slug, i, content) for i, content in sighting.items()]
    return {"observed": observed, "spans": sorted(spans), "latest": sorted(latest)}


def warehouse_state(engine: Engine) -> dict[str, Any]:
    """Every history row, keyed by board slug and external id (ids are insertion order)."""
    with session_scope(engine) as session:
        slugs = dict(session.execute(select(JobBoard.id, JobBoard.slug)).all())
        posting = {
            row.id: (slugs[row.job_board_id], row.external_id)
            for row in session.execute(
                select(JobPosting.id, JobPosting.job_board_id, JobPosting.external_id)
            )
        }
        postings = sorted(
            (slugs[p.job_board_id], p.external_id, p.first_seen, p.last_seen, p.is_active)
            + (p.disappeared_at, p.lifespan_days, p.title, p.posted_at, p.content_hash)
            + (p.posted_at_approximate,)
            for p in session.scalars(select(JobPosting))
        )
        events = sorted(
            (*posting[e.job_posting_id], e.event_type, e.event_date, e.notes)
            for e in session.scalars(select(PostingEvent))
        )
        spans = sorted(
            (*posting[s.job_posting_id], s.first_day, s.last_day)
            for s in session.scalars(select(PostingSpan))
        )
        snapshots = sorted(
            (slugs[s.job_board_id], s.snapshot_date, s.board_name, s.posting_count)
            + (s.new_postings, s.active_postings, s.disappeared_postings, s.repost_count)
            # The listing; `stats` repeats the counts as the day's first application saw them.
            + ((s.data or {}).get("postings"),)
            for s in session.scalars(select(RawDataSnapshot))
        )
        kept = sorted(
            (slugs[k.job_board_id], k.listing_date, k.board_name, k.posting_count, k.believed)
            + (k.held_reason, k.data)
            for k in session.scalars(select(BoardDayListing))
        )
    return {
        "postings": postings,
        "events": events,
        "spans": spans,
        "snapshots": snapshots,
        "kept": kept,
    }


def empty_history(engine: Engine) -> None:
    with session_scope(engine) as session:
        for model in (PostingEvent, PostingSpan, JobPosting, RawDataSnapshot, BoardDayListing):
            session.execute(delete(model))


def apply_all(engine: Engine, board_ids: dict[str, int], order: list[Arrival]) -> None:
    """Apply each arrival; the counts a believed day reports are those its snapshot holds once
    the transaction is over, later days it re-decided included."""
    for slug, day, listing in order:
        applied = apply_board_day(engine, board_ids[slug], result(slug, day, listing), RULE)
        if applied.counts is None:
            continue
        with session_scope(engine) as session:
            snapshot = session.scalars(
                select(RawDataSnapshot).where(
                    RawDataSnapshot.job_board_id == board_ids[slug],
                    RawDataSnapshot.snapshot_date == day,
                )
            ).one()
            stored = (
                snapshot.new_postings,
                snapshot.disappeared_postings,
                snapshot.active_postings,
            )
        assert (applied.counts.new, applied.counts.disappeared, applied.counts.active) == stored


@pytest.fixture
def board_ids(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        sync_boards(
            session,
            [
                BoardConfig(slug=s, name=s.title(), kind="json", url="https://x.test")
                for s in BOARDS
            ],
        )
        return board_ids_by_slug(session)


def nth_day(n: int) -> date:
    """The board's n-th day of the market (1-based)."""
    return START + timedelta(days=n - 1)


def ids(first: int, last: int) -> Listing:
    return tuple(range(first, last + 1))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order=arrivals())
# An empty day arriving last withdraws the small day after it, on which a posting was back:
# the posting takes the listing of its latest sighting before (not of the board's day before).
@example(
    order=[
        ("alpha", nth_day(1), (0, 1, 2)),
        ("alpha", nth_day(2), (1, 2)),
        ("alpha", nth_day(4), (0, 1)),
        ("alpha", nth_day(3), ()),
    ]
)
# A dip in reverse order, run twice: the full days around it arrive first and hold it.
@example(
    order=[
        ("alpha", nth_day(7), ids(0, 19)),
        ("alpha", nth_day(6), (0, 1)),
        ("alpha", nth_day(5), ids(0, 19)),
        ("alpha", nth_day(6), (0, 1)),
    ]
)
# Empty and tiny first days wait; the full days after them start the tracking.
@example(
    order=[
        ("alpha", nth_day(3), ids(0, 14)),
        ("beta", nth_day(2), ids(0, 11)),
        ("alpha", nth_day(2), (0, 1)),
        ("alpha", nth_day(1), ()),
        ("beta", nth_day(1), (0, 1, 2)),
        ("alpha", nth_day(4), ids(0, 14)),
    ]
)
# A board ramping up and one shrinking for good, the latest days first.
@example(
    order=[("alpha", nth_day(n), ids(0, size)) for n, size in ((5, 29), (4, 23), (3, 11), (2, 5))]
    + [("beta", nth_day(n), ids(0, size)) for n, size in ((4, 4), (3, 11), (2, 13), (1, 29))]
    + [("alpha", nth_day(1), ids(0, 2))]
)
def test_any_order_with_repeats_and_gaps_equals_in_order(
    engine: Engine, board_ids: dict[str, int], order: list[Arrival]
) -> None:
    """With the guard on: ramps, gaps, HTTP 500s, empty, truncated and tiny listings, applied
    in a random order with repeats, leave the warehouse of the date order, row for row; that
    warehouse holds the days, spans and latest sightings of the rule written again here, and a
    full recompute changes nothing."""
    fetched = {(slug, day): listing for slug, day, listing in order}
    empty_history(engine)
    apply_all(engine, board_ids, [(s, d, listing) for (s, d), listing in sorted(fetched.items())])
    in_order = warehouse_state(engine)
    assert {
        "observed": sorted({row[:2] for row in in_order["snapshots"]}),
        "spans": in_order["spans"],
        "latest": sorted((row[0], row[1], row[9]) for row in in_order["postings"]),
    } == reference_history(fetched)
    rebuild(engine, [], rule=RULE)
    assert warehouse_state(engine) == in_order

    empty_history(engine)
    apply_all(engine, board_ids, order)
    assert warehouse_state(engine) == in_order


def test_gaps_close_nothing_and_reappearances_are_events(
    engine: Engine, board_ids: dict[str, int]
) -> None:
    """Days 1, 2, (3 missing), 4, 5, 6: a posting absent on 4 and back on 6 disappeared on 4."""
    day = {n: START + timedelta(days=n - 1) for n in range(1, 7)}
    listings = {1: (0, 1), 2: (0, 1), 4: (0,), 5: (0, 2), 6: (0, 1, 2)}
    apply_all(engine, board_ids, [("alpha", day[n], listings[n]) for n in (6, 2, 5, 1, 4)])
    state = warehouse_state(engine)
    assert [p[:7] for p in state["postings"]] == [
        ("alpha", "alpha-0", day[1], day[6], True, None, 5),
        ("alpha", "alpha-1", day[1], day[6], True, None, 5),
        ("alpha", "alpha-2", day[5], day[6], True, None, 1),
    ]
    assert [e[1:4] for e in state["events"] if e[1] == "alpha-1"] == [
        ("alpha-1", "appeared", day[1]),
        ("alpha-1", "disappeared", day[4]),  # day 3 was never observed: a gap closes nothing
        ("alpha-1", "reappeared", day[6]),
    ]
    assert [(s[1], *s[3:7]) for s in state["snapshots"]] == [
        (day[1], 2, 2, 2, 0),
        (day[2], 2, 0, 2, 0),
        (day[4], 1, 0, 1, 1),
        (day[5], 2, 1, 2, 0),
        (day[6], 3, 0, 3, 0),
    ]


def test_a_suspect_re_run_of_an_observed_day_changes_nothing(
    engine: Engine, board_ids: dict[str, int]
) -> None:
    """Day 2 observed with 15 postings, then re-run empty or with 2 of them: the re-run is
    refused like a failed scrape (its listing is not kept, the day stays observed with its
    sightings) and its board-day fails with the reason; a re-run that is believed replaces it."""
    alpha = board_ids["alpha"]
    apply_all(
        engine, board_ids, [("alpha", nth_day(1), ids(0, 14)), ("alpha", nth_day(2), ids(0, 14))]
    )
    before = warehouse_state(engine)
    for listing in ((), (0, 1)):
        applied = apply_board_day(engine, alpha, result("alpha", nth_day(2), listing), RULE)
        assert not applied.kept
        assert (applied.counts, applied.changed, applied.redecided) == (None, 0, {})
        assert applied.held is not None
        assert applied.held.endswith(
            "earlier listing (15 postings, believed) stays, as after a failed scrape"
        )
        assert warehouse_state(engine) == before

    reason = applied.held
    assert reason is not None
    outcome = BoardDayOutcome(
        "alpha", nth_day(2), 0, 0, 0, 0, 0, 0, 1, 0, 0.0, 0.0, held=reason, kept=False
    )
    outcomes, failures = _settled(engine, alpha, [outcome], [])
    assert (outcomes, failures) == ([], [BoardDayFailure("alpha", nth_day(2), reason)])

    applied = apply_board_day(engine, alpha, result("alpha", nth_day(2), ids(0, 12)), RULE)
    assert applied.kept and applied.held is None
    assert warehouse_state(engine)["snapshots"][1][3] == 13
