"""The asset graph end to end against the simulator, on SQLite and on PostgreSQL.

Real HTTP on 127.0.0.1, real warehouse, real Dagster instance (dagster-postgres on PostgreSQL);
runs go through `run_execution`, exactly what `jobboard run` does, except the changing market's
UI backfill, which a real webserver and daemon run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select

from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.names import (
    BOARD_POSTINGS,
    RAW_DATA_SNAPSHOTS,
)
from jobboard_assets.lib.partitions import board_day_key, split_board_day_key
from jobboard_assets.sim.market import BoardTrend, SimulatedMarket
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import (
    EfficiencyScore,
    JobBoard,
    JobPosting,
    PipelineJob,
    PostingEvent,
    PostingSpan,
    RawDataSnapshot,
)
from jobboard_assets_tests.conftest import POSTGRES_URL_ENV, each_on_one_backend
from jobboard_assets_tests.dagster_ui import dagster_webserver
from jobboard_assets_tests.platform import SIM_BOARDS, SIM_SEED, Platform, backend_of, platform
from jobboard_assets_tests.reliability.support import dagster_daemon, process_env, wait_for

START = date(2026, 2, 2)
pytestmark = pytest.mark.slow


def _postings(engine: Engine) -> dict[tuple[str, str], dict[str, Any]]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(JobBoard.slug, JobPosting).join(JobBoard, JobBoard.id == JobPosting.job_board_id)
        ).all()
        return {
            (slug, posting.external_id): {
                "first_seen": posting.first_seen,
                "last_seen": posting.last_seen,
                "is_active": posting.is_active,
                "disappeared_at": posting.disappeared_at,
                "lifespan_days": posting.lifespan_days,
                "repost_cluster_id": posting.repost_cluster_id,
                "repost_count": posting.repost_count,
                "title": posting.title,
            }
            for slug, posting in rows
        }


def _expected_from_truth(
    market: SimulatedMarket, start: date, end: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """What a pipeline scraping every day from start to end must have stored."""
    expected = {}
    postings = market.truth(start, end)["postings"]
    assert isinstance(postings, list)
    for posting in postings:
        first = date.fromisoformat(posting["first_day"])
        last = date.fromisoformat(posting["last_day"]) if posting["last_day"] else None
        still_listed = last is None or last >= end
        first_seen = max(first, start)
        last_seen = end if last is None or still_listed else last
        expected[(posting["board"], posting["external_id"])] = {
            "first_seen": first_seen,
            "last_seen": last_seen,
            "is_active": still_listed,
            "disappeared_at": None if still_listed else last_seen + timedelta(days=1),
            "lifespan_days": (last_seen - first_seen).days,
        }
    return expected


def test_consecutive_days_match_ground_truth_exactly(jobboard_platform: Platform) -> None:
    end = START + timedelta(days=5)
    for offset in range(6):
        run = jobboard_platform.run(START + timedelta(days=offset))
        assert run["status"] == "completed", run["errors"]

    stored = _postings(jobboard_platform.engine)
    expected = _expected_from_truth(jobboard_platform.market, START, end)
    assert set(stored) == set(expected)
    columns = ("first_seen", "last_seen", "is_active", "disappeared_at", "lifespan_days")
    mismatches = [
        (
            key,
            {
                c: (stored[key][c], expected[key][c])
                for c in columns
                if stored[key][c] != expected[key][c]
            },
        )
        for key in expected
        if any(stored[key][c] != expected[key][c] for c in columns)
    ]
    assert mismatches == []
    assert len(expected) > 500  # the comparison covered a real history


def test_a_failing_board_fails_alone_and_heals(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    broken = platform.registry[1].slug
    platform.run(START)
    active_before = _active_by_board(platform.engine)

    platform.server.set_fault(broken, "http_500")
    run = platform.run(START + timedelta(days=1))
    assert run["status"] == "partial"
    failed = [job for job in run["jobs"] if job["status"] == "failed"]
    assert [(job["jobType"], job["board"]) for job in failed] == [("scrape", broken)]
    assert broken in failed[0]["error"] and "500" in failed[0]["error"]
    assert any(broken in error for error in run["errors"])
    # The other boards were applied, the downstream phases ran, the broken board lost nothing.
    assert _snapshot_boards(platform.engine, START + timedelta(days=1)) == {
        b.slug for b in platform.registry
    } - {broken}
    assert {job["jobType"] for job in run["jobs"] if job["status"] == "completed"} >= {
        "scrape",
        "normalize",
        "lifespan",
        "repost",
        "score",
    }
    assert _active_by_board(platform.engine)[broken] == active_before[broken]

    platform.server.clear_faults()
    healed = platform.run(START + timedelta(days=2))
    assert healed["status"] == "completed", healed["errors"]
    assert broken in _snapshot_boards(platform.engine, START + timedelta(days=2))


def test_rematerializing_a_day_changes_nothing(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    platform.run(START)
    platform.run(START + timedelta(days=1))
    before = _state(platform.engine)
    platform.run(START + timedelta(days=1))
    assert _state(platform.engine) == before


def test_suspect_empty_scrape_closes_nothing(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    board = platform.registry[0].slug
    platform.run(START)
    active_before = _active_by_board(platform.engine)[board]
    platform.server.set_fault(board, "empty")
    run = platform.run(START + timedelta(days=1))
    assert run["status"] == "partial"
    (failed,) = [job for job in run["jobs"] if job["status"] == "failed"]
    assert failed["board"] == board and "listed 0 postings" in failed["error"]
    assert _active_by_board(platform.engine)[board] == active_before
    with session_scope(platform.engine) as session:
        closed = session.scalar(
            select(PostingEvent.id)
            .where(
                PostingEvent.event_type == "disappeared",
                PostingEvent.event_date == START + timedelta(days=1),
            )
            .join(JobPosting)
            .join(JobBoard)
            .where(JobBoard.slug == board)
        )
    assert closed is None
    # A re-run of the day the board was observed on, now broken, is refused the same way: the
    # day keeps its believed listing (docs/history.md).
    rerun = platform.run(START)
    assert rerun["status"] == "partial"
    (failed,) = [job for job in rerun["jobs"] if job["status"] == "failed"]
    assert failed["board"] == board and "earlier listing" in failed["error"]
    assert _active_by_board(platform.engine)[board] == active_before
    assert board in _snapshot_boards(platform.engine, START)


def _active_by_board(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.execute(select(JobBoard.slug, JobPosting.is_active).join(JobPosting)).all()
    counts: dict[str, int] = {}
    for slug, active in rows:
        counts[slug] = counts.get(slug, 0) + int(active)
    return counts


def _snapshot_boards(engine: Engine, day: date) -> set[str]:
    with session_scope(engine) as session:
        return set(
            session.scalars(
                select(JobBoard.slug)
                .join(RawDataSnapshot)
                .where(RawDataSnapshot.snapshot_date == day)
            )
        )


def _state(engine: Engine):
    """Everything a re-run could change, without bookkeeping timestamps."""
    with session_scope(engine) as session:
        postings = sorted(
            tuple(
                getattr(p, c)
                for c in (
                    "job_board_id",
                    "external_id",
                    "first_seen",
                    "last_seen",
                    "is_active",
                    "disappeared_at",
                    "lifespan_days",
                    "repost_cluster_id",
                    "repost_count",
                    "title",
                    "content_hash",
                )
            )
            for p in session.scalars(select(JobPosting))
        )
        events = sorted(
            (e.job_posting_id, e.event_type, e.event_date)
            for e in session.scalars(select(PostingEvent))
        )
        snapshots = sorted(
            (
                s.job_board_id,
                s.snapshot_date,
                s.posting_count,
                s.new_postings,
                s.active_postings,
                s.disappeared_postings,
                s.repost_count,
            )
            for s in session.scalars(select(RawDataSnapshot))
        )
    return postings, events, snapshots


def test_mirror_groups_one_execution_into_one_row_with_the_seeds_jobs(
    jobboard_platform: Platform,
) -> None:
    platform = jobboard_platform
    run = platform.run(START)
    boards = len(platform.registry)
    types = [job["jobType"] for job in run["jobs"]]
    assert types.count("scrape") == boards and types.count("normalize") == boards
    # lifespan: posting_lifespans + lifespan_metrics; repost: posting_reposts + repost_frequency
    # + cross_board_jobs
    assert (types.count("lifespan"), types.count("repost"), types.count("score")) == (2, 3, 1)
    assert run["total_jobs"] == 2 * boards + 6 == run["completed_jobs"]
    with session_scope(platform.engine) as session:
        assert (
            session.query(PipelineJob).filter_by(pipeline_run_id=run["run_id"]).count()
            == run["total_jobs"]
        )
    scrape = next(job for job in run["jobs"] if job["jobType"] == "scrape")
    assert scrape["result"]["jobsScraped"] > 0 and "newJobs" in scrape["result"]


def _history_by_key(engine: Engine) -> dict[str, Any]:
    """Postings, events, repost clusters (as sets of external ids) and the latest day's board
    scores, keyed by what does not depend on insertion order."""
    with session_scope(engine) as session:
        postings = session.execute(
            select(JobBoard.slug, JobPosting).join(JobBoard, JobBoard.id == JobPosting.job_board_id)
        ).all()
        key_of = {p.id: (slug, p.external_id) for slug, p in postings}
        clusters: dict[int, set[tuple[str, str]]] = {}
        for slug, p in postings:
            if p.repost_cluster_id is not None:
                clusters.setdefault(p.repost_cluster_id, set()).add((slug, p.external_id))
        events = sorted(
            (*key_of[e.job_posting_id], e.event_type, e.event_date)
            for e in session.scalars(select(PostingEvent))
        )
        latest = session.scalar(select(func.max(EfficiencyScore.score_date)))
        scores = sorted(
            (slug, s.overall_score, s.lifespan_score, s.grade, s.fake_fresh_share)
            for slug, s in session.execute(
                select(JobBoard.slug, EfficiencyScore)
                .join(JobBoard, JobBoard.id == EfficiencyScore.job_board_id)
                .where(
                    EfficiencyScore.score_date == latest,
                    EfficiencyScore.role_family.is_(None),
                    EfficiencyScore.industry.is_(None),
                )
            )
        )
    return {
        "events": events,
        "clusters": sorted(sorted(members) for members in clusters.values()),
        "latest_score_day": latest,
        "scores": scores,
    }


def _empty_warehouse_history(engine: Engine) -> None:
    with session_scope(engine) as session:
        for model in (EfficiencyScore, PostingEvent, PostingSpan, JobPosting, RawDataSnapshot):
            session.execute(delete(model))


def _materialize_partition_range(platform: Platform, first: date, last: date) -> None:
    """What `dagster asset materialize --partition-range` does: the board-day range of every
    board, then the daily assets of the same days only (no later day asked for)."""
    from dagster import execute_job, reconstructable

    from jobboard_assets.definitions import history_job, scrape_job
    from jobboard_assets.lib.ranges import board_range_tags, day_range_tags

    slugs = [board.slug for board in platform.registry]
    for job, tags in (
        (scrape_job, board_range_tags(slugs, first, last)),
        (history_job, day_range_tags(first, last)),
    ):
        result = execute_job(reconstructable(job), instance=platform.instance, tags=tags)
        assert result.success


@each_on_one_backend(
    "launch", {"partition range": "partition range", "jobboard backfill": "jobboard backfill"}
)
def test_daily_runs_then_a_backfill_of_earlier_days_equal_the_days_in_order(
    jobboard_platform: Platform, launch: str
) -> None:
    """The most common first week: the schedule runs days 4-6, then a backfill of days 1-3.
    Every lifespan is the truth's, and postings, events, repost clusters and the latest day's
    scores equal one run of days 1-6 in order."""
    platform = jobboard_platform
    end = START + timedelta(days=5)
    for offset in (3, 4, 5):
        assert platform.run(START + timedelta(days=offset))["status"] == "completed"
    if launch == "jobboard backfill":
        backfill = platform.run(START, START + timedelta(days=2), trigger="backfill")
        assert backfill["status"] == "completed", backfill["errors"]  # never "too small"
    else:
        _materialize_partition_range(platform, START, START + timedelta(days=2))

    stored = _postings(platform.engine)
    expected = _expected_from_truth(platform.market, START, end)
    columns = ("first_seen", "last_seen", "is_active", "disappeared_at", "lifespan_days")
    assert {key: {c: stored[key][c] for c in columns} for key in stored} == expected
    after_backfill = _history_by_key(platform.engine)
    assert after_backfill["latest_score_day"] == end

    _empty_warehouse_history(platform.engine)
    assert platform.run(START, end, trigger="backfill")["status"] == "completed"
    # The backfill brought the later days' daily rows up to date: the same scores on day 6.
    assert _history_by_key(platform.engine) == after_backfill


SCENARIO_DAYS = 5
"""The scenario runs its last days daily, then backfills as many first days."""
GROWING, SHRINKING, RAMPING = "glacier-works", "bold-talent", "sierra-stores"
TRENDS = {
    GROWING: BoardTrend(launched=START),  # 25 postings, then 50, 84, 116, 126
    SHRINKING: BoardTrend(winding_down=START + timedelta(days=3)),  # 173 down to 66
    RAMPING: BoardTrend(launched=START - timedelta(days=1), winding_down=START + timedelta(days=5)),
}
BROKEN = {  # board -> (fault, day): one broken scrape each, run daily or backfilled
    "basalt-learning": ("empty", START + timedelta(days=2)),
    "crest-publishing": ("http_500", START + timedelta(days=4)),
    SHRINKING: ("shrink", START + timedelta(days=3)),
    GROWING: ("empty", START + timedelta(days=6)),
    "onyx-pay": ("shrink", START + timedelta(days=7)),
}


@pytest.fixture
def trending_platform(warehouse_url: str, tmp_path: Path) -> Iterator[Platform]:
    """The platform's simulator serving boards that grow, shrink and ramp up and down."""
    market = SimulatedMarket(seed=SIM_SEED, n_boards=SIM_BOARDS, trends=TRENDS)
    postgres_url = os.environ.get(POSTGRES_URL_ENV)
    with platform(tmp_path, backend_of(warehouse_url), warehouse_url, postgres_url, market) as made:
        for slug, (fault, day) in BROKEN.items():
            made.server.set_fault(slug, fault, days=[day])
        yield made


def _expected_through(
    market: SimulatedMarket, observed: dict[str, list[date]], start: date, end: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """What the history must hold of the truth when each board was observed on `observed` days
    alone (a broken day is a gap: it closes nothing, and a posting is first and last seen on the
    observed days of its listing)."""
    expected = {}
    postings = market.truth(start, end)["postings"]
    assert isinstance(postings, list)
    for posting in postings:
        days = observed[posting["board"]]
        first = date.fromisoformat(posting["first_day"])
        last = date.fromisoformat(posting["last_day"]) if posting["last_day"] else end
        seen = [day for day in days if first <= day <= last]
        if not seen:
            continue
        active = seen[-1] == days[-1]
        expected[(posting["board"], posting["external_id"])] = {
            "first_seen": seen[0],
            "last_seen": seen[-1],
            "is_active": active,
            "disappeared_at": None if active else days[days.index(seen[-1]) + 1],
            "lifespan_days": (seen[-1] - seen[0]).days,
        }
    return expected


def _backfill_with_jobboard(platform: Platform, days: list[date], _: Path) -> dict[str, Any]:
    """`jobboard backfill --start days[0] --end days[-1]`: one scrape run, one history run."""
    return platform.run(days[0], days[-1], trigger="backfill")


def _backfill_from_the_ui(platform: Platform, days: list[date], directory: Path) -> dict[str, Any]:
    """The UI's backfill of scrape and snapshot for every board of these days: its own
    `launchPartitionBackfill` (no tags) on a real webserver, run by a real daemon (one run per
    day, in no set order). Its execution row once every board-day's run has finished.

    The history assets are left out of the selection: what is asserted is written by the scrape,
    and each more asset costs the backfill daemon's 30-second ticks (the UI's history backfill:
    `defs/test_partition_metadata.py`)."""
    keys = {str(board_day_key(board.slug, day)) for day in days for board in platform.registry}
    env = process_env(platform, directory)
    with dagster_webserver(env, directory / "webserver.log") as graphql:
        backfill_id = graphql.backfill(
            [BOARD_POSTINGS.to_user_string(), RAW_DATA_SNAPSHOTS.to_user_string()], sorted(keys)
        )
    execution_id = f"backfill-{backfill_id}"

    def finished() -> dict[str, Any] | None:
        rows = run_mirror.mirror_executions(platform.instance, platform.engine, [execution_id])
        planned = {job["partitionKey"] for row in rows for job in row["jobs"]}
        return rows[0] if planned == keys and rows[0]["status"] != "running" else None

    with dagster_daemon(env, directory / "daemon.log"):
        return wait_for("the UI backfill's runs to finish", finished, timeout=300, interval=2)


def _left_out(execution: dict[str, Any]) -> set[tuple[str, date]]:
    """The board-days an execution's scrape jobs say stay out of the history, each by the last
    word on it: its own job failed or completed, or a later day of its board withdrew it (a
    dip that arrived before the day it dips from) or applied it (a held day confirmed)."""
    last_word: dict[tuple[str, date], bool] = {}
    scrapes = [job for job in execution["jobs"] if job["jobType"] == "scrape"]
    for job in sorted(scrapes, key=lambda job: job["completedAt"]):
        slug, day = split_board_day_key(job["partitionKey"])
        last_word[(slug, day)] = job["status"] == "completed"
        for change in (job["result"] or {}).get("redecided", []):
            other, verdict = change.split()
            last_word[(slug, date.fromisoformat(other))] = verdict == "applied"
    return {board_day for board_day, applied in last_word.items() if not applied}


@pytest.mark.timeout(600)
@each_on_one_backend(
    "backfill", {"UI backfill": _backfill_from_the_ui, "jobboard backfill": _backfill_with_jobboard}
)
def test_a_changing_market_run_daily_then_backfilled_is_the_truth(
    trending_platform: Platform,
    backfill: Callable[[Platform, list[date], Path], dict[str, Any]],
    tmp_path: Path,
) -> None:
    """The last days of a market whose boards grow, shrink and have broken scrapes run daily,
    then its first days backfilled (by `jobboard backfill` in date order, or from the UI in
    one run per day in any order): each backfilled day is judged by its own neighbours (a
    growing board's small first days by the days after them, never by the present), so every
    posting's first and last day, lifespan and activity are the simulator's truth seen on the
    days believed, and exactly the broken days stay unapplied."""
    platform = trending_platform
    days = [START + timedelta(days=offset) for offset in range(2 * SCENARIO_DAYS)]
    broken_on = {day: {slug for slug, (_, d) in BROKEN.items() if d == day} for day in days}
    for day in days[SCENARIO_DAYS:]:
        run = platform.run(day)
        assert run["status"] == ("partial" if broken_on[day] else "completed"), run["errors"]
    execution = backfill(platform, days[:SCENARIO_DAYS], tmp_path)
    assert execution["status"] == "partial"
    assert _left_out(execution) == {
        (slug, day) for day in days[:SCENARIO_DAYS] for slug in broken_on[day]
    }

    slugs = [board.slug for board in platform.registry]
    believed = {slug: [day for day in days if slug not in broken_on[day]] for slug in slugs}
    with session_scope(platform.engine) as session:
        applied = set(
            session.execute(select(JobBoard.slug, RawDataSnapshot.snapshot_date).join(JobBoard))
        )
    assert applied == {(slug, day) for slug, observed in believed.items() for day in observed}

    stored = _postings(platform.engine)
    expected = _expected_through(platform.market, believed, days[0], days[-1])
    columns = ("first_seen", "last_seen", "is_active", "disappeared_at", "lifespan_days")
    assert {key: {c: stored[key][c] for c in columns} for key in stored} == expected
    for slug in TRENDS:  # the boards that changed size are part of the comparison
        assert sum(board == slug for board, _ in expected) > 30
