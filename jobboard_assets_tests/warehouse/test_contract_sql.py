"""Other clients write the contract's tables with the contract's SQL: only its required columns.

The contract's migration gives every column it does not require a server-side default, and the
contract's clients (its Next.js app, a dashboard, a notebook) rely on that. These statements are the
contract's `createPipelineRunLog` / `updatePipelineRunStatus` and job bookkeeping in plain SQL, the
same text on SQLite and PostgreSQL; the views and our own reads must take the rows as they are.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, PipelineJob, PipelineRun, RawDataSnapshot
from jobboard_assets.warehouse.queries import run_records

CREATE_RUN = "INSERT INTO pipeline_runs (run_id, start_time) VALUES (:run_id, CURRENT_TIMESTAMP)"
FINISH_RUN = (
    "UPDATE pipeline_runs SET status = :status, end_time = CURRENT_TIMESTAMP, "
    "total_jobs = :total, completed_jobs = :completed, failed_jobs = :failed WHERE run_id = :run_id"
)
CREATE_JOB = "INSERT INTO pipeline_jobs (job_type, board_name) VALUES (:job_type, 'Acme Jobs')"
FINISH_JOBS = (
    "UPDATE pipeline_jobs SET status = :status, started_at = CURRENT_TIMESTAMP, "
    "completed_at = CURRENT_TIMESTAMP WHERE job_type = :job_type"
)
CREATE_SNAPSHOT = (
    "INSERT INTO raw_data_snapshots (job_board_id, board_name, snapshot_date) "
    "VALUES (:board_id, 'Acme Jobs', :day)"
)


def _execute(engine: Engine, sql: str, *rows: dict[str, Any]) -> None:
    with engine.begin() as connection:
        for row in rows or ({},):
            connection.execute(text(sql), row)


def test_seed_inserts_get_the_seeds_defaults_and_the_views_count_them(engine: Engine) -> None:
    _execute(engine, CREATE_RUN, *({"run_id": f"run-{n}"} for n in range(4)))
    _execute(
        engine,
        FINISH_RUN,
        {"run_id": "run-0", "status": "completed", "total": 2, "completed": 2, "failed": 0},
        {"run_id": "run-1", "status": "completed", "total": 2, "completed": 2, "failed": 0},
        {"run_id": "run-2", "status": "partial", "total": 2, "completed": 1, "failed": 1},
    )  # run-3 is still running: no end_time
    _execute(
        engine, CREATE_JOB, {"job_type": "scrape"}, {"job_type": "scrape"}, {"job_type": "score"}
    )
    _execute(engine, FINISH_JOBS, {"status": "completed", "job_type": "scrape"})
    with session_scope(engine) as session:
        board = JobBoard(slug="acme", name="Acme Jobs", kind="json", url="http://127.0.0.1/")
        session.add(board)
        session.flush()
        board_id = board.id
    _execute(engine, CREATE_SNAPSHOT, {"board_id": board_id, "day": "2026-03-01"})

    with session_scope(engine) as session:
        runs = {run.run_id: run for run in session.scalars(select(PipelineRun))}
        jobs = session.scalars(select(PipelineJob)).all()
        snapshot = session.scalars(select(RawDataSnapshot)).one()
        history = {run["runId"]: run for run in run_records.run_history(session, 10)}
        stats = run_records.pipeline_stats(session)
        schedule = run_records.pipeline_schedule(session)
        job_stats = {row["job_type"]: row for row in run_records.pipeline_job_stats(session)}
        pending = run_records.pending_jobs(session)

    now = datetime.now(UTC)
    running = runs["run-3"]
    assert running.status == "running" and running.end_time is None
    assert (running.total_jobs, running.completed_jobs, running.failed_jobs) == (0, 0, 0)
    assert (running.jobs, running.errors, running.dagster_run_ids) == ([], [], [])
    assert abs((now - running.created_at).total_seconds()) < 3600
    assert len({run.id for run in runs.values()}) == 4
    assert all(run.id.version == 4 for run in runs.values())
    assert {job.status for job in jobs} == {"completed", "pending"}
    assert all(job.id.version == 4 for job in jobs)
    assert (snapshot.posting_count, snapshot.new_postings, snapshot.repost_count) == (0, 0, 0)
    assert isinstance(snapshot.id, uuid.UUID)

    assert history["run-3"]["status"] == "running"
    assert (history["run-3"]["jobs"], history["run-3"]["errors"]) == ([], [])
    assert history["run-2"]["durationSeconds"] is not None
    # Finished runs only: run-3 has no end_time.
    assert (stats["total_runs"], stats["successful_runs"], stats["partial_runs"]) == (3, 2, 1)
    assert stats["success_rate"] == pytest.approx(66.7)
    assert (stats["total_jobs"], stats["completed_jobs"], stats["failed_jobs"]) == (6, 5, 1)
    assert stats["avg_duration_seconds"] is not None
    assert [(row["runs_per_day"], row["successful"], row["failed"]) for row in schedule] == [
        (4, 2, 2)
    ]
    assert job_stats.keys() == {"scrape"}  # the score job never completed
    assert (job_stats["scrape"]["total_jobs"], job_stats["scrape"]["completed"]) == (2, 2)
    assert [job["jobType"] for job in pending] == ["score"]


def test_a_client_may_write_null_jobs_and_errors(engine: Engine) -> None:
    """The contract's `jobs` and `errors` are nullable; our reads show NULL as an empty list."""
    _execute(
        engine,
        "INSERT INTO pipeline_runs (run_id, start_time, jobs, errors) "
        "VALUES ('run-null', CURRENT_TIMESTAMP, NULL, NULL)",
    )
    with session_scope(engine) as session:
        run = run_records.get_pipeline_run(session, "run-null")
    assert run is not None
    assert (run["jobs"], run["errors"], run["dagsterRunIds"]) == ([], [], [])
