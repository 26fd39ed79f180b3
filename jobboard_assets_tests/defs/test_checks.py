"""The data checks, evaluated by the real history job on a real warehouse and Dagster instance.

A clean history passes every check; a warehouse broken behind the pipeline's back (a snapshot
that no longer matches job_postings, a posting seen last before it was seen first) makes the
matching checks fail, with the culprit in their metadata, on SQLite and on PostgreSQL. A failed
blocking check stops the day's scores and analytics in the same run: the previous day's stay
the ones served.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    DagsterEventType,
    RunsFilter,
    execute_job,
    reconstructable,
)
from sqlalchemy import select, update

from jobboard_assets.definitions import history_job
from jobboard_assets.lib.names import HISTORY_JOB
from jobboard_assets.lib.ranges import day_range_tags
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import EfficiencyScore, JobBoard, JobPosting, RawDataSnapshot
from jobboard_assets_tests.platform import Platform

DAY = date(2026, 2, 2)
CHECKS = (
    "no_duplicate_postings",
    "no_negative_lifespans",
    "snapshots_match_postings",
    "no_suspiciously_small_scrapes",
)
pytestmark = pytest.mark.slow


def _evaluations(platform: Platform, day: date, *, blocked: bool = False) -> dict[str, Any]:
    """Run the history job for `day` and return its check evaluations by check name; `blocked`:
    a blocking check fails, which fails the run."""
    result = execute_job(
        reconstructable(history_job),
        instance=platform.instance,
        tags=day_range_tags(day, day),
        raise_on_error=False,
    )
    assert result.success != blocked
    return _run_evaluations(platform, result.run_id)


def _run_evaluations(platform: Platform, run_id: str) -> dict[str, Any]:
    events = platform.instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = {}
    for event in events:
        data = event.dagster_event.event_specific_data if event.dagster_event else None
        assert isinstance(data, AssetCheckEvaluation)
        evaluations[data.check_name] = data
    return evaluations


def test_checks_pass_on_a_clean_history_and_name_what_broke(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    second = DAY + timedelta(days=1)
    for day in (DAY, second):
        assert platform.run(day)["status"] == "completed"

    clean = _evaluations(platform, second)
    assert {name: evaluation.passed for name, evaluation in clean.items()} == dict.fromkeys(
        CHECKS, True
    )
    assert {evaluation.asset_key.to_user_string() for evaluation in clean.values()} == {
        "posting_lifespans"
    }

    with session_scope(platform.engine) as session:
        board_id, board_name = session.execute(
            select(JobBoard.id, JobBoard.name).order_by(JobBoard.slug).limit(1)
        ).one()
        session.execute(
            update(RawDataSnapshot)
            .where(
                RawDataSnapshot.job_board_id == board_id, RawDataSnapshot.snapshot_date == second
            )
            .values(posting_count=1)
        )
        posting_id = session.scalar(
            select(JobPosting.id).where(JobPosting.job_board_id == board_id).limit(1)
        )
        session.execute(
            update(JobPosting)
            .where(JobPosting.id == posting_id)
            .values(first_seen=second, last_seen=DAY, is_active=False)
        )

    broken = _evaluations(platform, second, blocked=True)
    assert {name: evaluation.passed for name, evaluation in broken.items()} == {
        **dict.fromkeys(CHECKS, False),
        "no_duplicate_postings": True,  # the unique constraint makes a duplicate impossible
    }
    assert broken["no_negative_lifespans"].metadata["negative_lifespans"].value == 1
    assert broken["snapshots_match_postings"].metadata["mismatched_boards"].value == 1
    assert broken["no_duplicate_postings"].metadata["duplicate_postings"].value == 0
    (mismatch,) = broken["snapshots_match_postings"].metadata["mismatches"].value
    assert mismatch["board"] == board_name and mismatch["snapshot_listed"] == 1
    (shrunk,) = broken["no_suspiciously_small_scrapes"].metadata["boards"].value
    assert shrunk["board"] == board_name and shrunk["listed"] == 1
    assert broken["no_suspiciously_small_scrapes"].severity == AssetCheckSeverity.WARN
    assert broken["snapshots_match_postings"].severity == AssetCheckSeverity.ERROR


def test_a_failed_blocking_check_stops_the_days_scores(jobboard_platform: Platform) -> None:
    """A posting with a negative lifespan (first seen after it was last seen, and listed by no
    board, so no scrape repairs it) fails `no_negative_lifespans` in the next day's history run:
    its lifespans are written, its scores and analytics are not, and the day before keeps its
    scores. The warning check alone blocks nothing (the clean days pass with it evaluated)."""
    platform = jobboard_platform
    second = DAY + timedelta(days=1)
    assert platform.run(DAY)["status"] == "completed"
    with session_scope(platform.engine) as session:
        board_id = session.scalar(select(JobBoard.id).order_by(JobBoard.slug).limit(1))
        session.add(
            JobPosting(
                job_board_id=board_id,
                external_id="listed-by-no-board",
                title="Ghost",
                company="Nobody",
                first_seen=second,
                last_seen=DAY,
                is_active=False,
            )
        )

    outcome = platform.run(second)
    assert outcome["status"] != "completed"
    history = platform.instance.get_runs(RunsFilter(job_name=HISTORY_JOB), limit=1)[0]
    evaluations = _run_evaluations(platform, history.run_id)
    assert not evaluations["no_negative_lifespans"].passed
    assert evaluations["no_negative_lifespans"].blocking
    materialized = {
        event.asset_materialization.asset_key.to_user_string(): event.asset_materialization
        for event in platform.instance.all_logs(
            history.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
        )
        if event.asset_materialization
    }
    assert set(materialized) == {"posting_lifespans", "posting_reposts"}
    # The catalog's row count: the postings the phase maintains, the ghost among them.
    rows = materialized["posting_lifespans"].metadata["dagster/row_count"].value
    assert isinstance(rows, int) and rows > 0
    with session_scope(platform.engine) as session:
        scored = session.scalars(select(EfficiencyScore.score_date).distinct()).all()
    assert scored == [DAY]
