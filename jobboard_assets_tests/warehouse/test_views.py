"""The contract's pipeline views give the same numbers on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import PipelineJob, PipelineRun
from jobboard_assets.warehouse.queries import run_records

DAY1 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)


def _run(status: str, start: datetime, seconds: float, jobs: tuple[int, int]) -> PipelineRun:
    completed, failed = jobs
    return PipelineRun(
        run_id=f"run-{uuid.uuid4().hex[:8]}",
        status=status,
        start_time=start,
        end_time=start + timedelta(seconds=seconds),
        total_jobs=completed + failed,
        completed_jobs=completed,
        failed_jobs=failed,
        jobs=[{"type": "scrape", "status": "completed"}],
        errors=["board x: HTTP 500"] if failed else [],
    )


def test_pipeline_stats_counts_and_rates(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add_all(
            [
                _run("completed", DAY1, 10, (5, 0)),
                _run("completed", DAY1, 20, (5, 0)),
                _run("completed", DAY2, 30, (5, 0)),
                _run("partial", DAY2, 40, (4, 1)),
                _run("failed", DAY2, 50, (0, 5)),
                # Still running: no end_time, so pipeline_stats leaves it out.
                PipelineRun(run_id="run-open", status="running", start_time=DAY2),
            ]
        )
    with session_scope(engine) as session:
        stats = run_records.pipeline_stats(session)
    assert stats["total_runs"] == 5
    assert stats["successful_runs"] == 3
    assert stats["partial_runs"] == 1
    assert stats["failed_runs"] == 1
    assert stats["success_rate"] == pytest.approx(60.0)
    assert stats["total_jobs"] == 25
    assert stats["completed_jobs"] == 19
    assert stats["failed_jobs"] == 6
    assert stats["avg_duration_seconds"] == pytest.approx(30.0)


def test_pipeline_schedule_groups_by_utc_day(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add_all(
            [
                _run("completed", DAY1, 10, (1, 0)),
                _run("completed", DAY2, 10, (1, 0)),
                _run("partial", DAY2, 10, (1, 1)),
                _run("failed", DAY2 + timedelta(hours=21), 10, (0, 1)),
            ]
        )
    with session_scope(engine) as session:
        schedule = run_records.pipeline_schedule(session)
    assert schedule == [
        {
            "run_date": "2026-03-02",
            "runs_per_day": 3,
            "successful": 1,
            "failed": 2,
            "success_rate": pytest.approx(33.3),
        },
        {
            "run_date": "2026-03-01",
            "runs_per_day": 1,
            "successful": 1,
            "failed": 0,
            "success_rate": pytest.approx(100.0),
        },
    ]


def test_pipeline_job_stats_by_type(engine: Engine) -> None:
    def job(job_type: str, status: str, seconds: float | None) -> PipelineJob:
        return PipelineJob(
            job_type=job_type,
            status=status,
            started_at=DAY1,
            completed_at=DAY1 + timedelta(seconds=seconds) if seconds is not None else None,
        )

    with session_scope(engine) as session:
        session.add_all(
            [
                job("scrape", "completed", 2),
                job("scrape", "completed", 4),
                job("scrape", "failed", 6),
                job("scrape", "running", None),  # not finished: not counted
                job("score", "completed", 1),
            ]
        )
    with session_scope(engine) as session:
        stats = {row["job_type"]: row for row in run_records.pipeline_job_stats(session)}
    assert stats["scrape"]["total_jobs"] == 3
    assert stats["scrape"]["completed"] == 2
    assert stats["scrape"]["failed"] == 1
    assert stats["scrape"]["success_rate"] == pytest.approx(66.7)
    assert stats["scrape"]["avg_duration_seconds"] == pytest.approx(4.0, abs=1e-3)
    assert stats["score"]["success_rate"] == pytest.approx(100.0)


def test_run_arrays_and_timestamps_round_trip(engine: Engine) -> None:
    jobs = [{"type": "scrape", "board": "acme", "result": {"jobsScraped": 3}}, {"type": "score"}]
    with session_scope(engine) as session:
        session.add(
            PipelineRun(
                run_id="run-arrays", status="partial", start_time=DAY1, jobs=jobs, errors=["a", "b"]
            )
        )
    with session_scope(engine) as session:
        run = session.query(PipelineRun).filter_by(run_id="run-arrays").one()
        assert run.jobs == jobs
        assert run.errors == ["a", "b"]
        assert run.start_time == DAY1 and run.start_time.tzinfo is not None
