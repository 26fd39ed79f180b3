"""`pipeline_run_job_pages` agrees with `pipeline_runs.jobs` after every write, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.models import PipelineRun, PipelineRunJobPage
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets.warehouse.queries.job_pages import JOB_PAGE_SIZE, job_page

START = datetime(2026, 3, 1, 6, tzinfo=UTC)


def _jobs(count: int, failed_every: int) -> list[dict[str, Any]]:
    return [
        {
            "jobType": "scrape",
            "board": f"board-{n}",
            "status": "failed" if n % failed_every == failed_every - 1 else "completed",
            "error": "timeout" if n % failed_every == failed_every - 1 else None,
        }
        for n in range(count)
    ]


def _mirror_row(run_id: str, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A row as `run_mirror._execution_row` builds it (its `_` keys are not columns)."""
    failed = sum(job["status"] == "failed" for job in jobs)
    return {
        "run_id": run_id,
        "status": "partial" if failed else "completed",
        "start_time": START,
        "end_time": START + timedelta(minutes=20),
        "total_jobs": len(jobs),
        "completed_jobs": len(jobs) - failed,
        "failed_jobs": failed,
        "jobs": jobs,
        "errors": [job["error"] for job in jobs if job["error"]],
        "trigger": "schedule",
        "dagster_run_ids": [],
        "_job_rows": [],
    }


def _stored_pages(engine: Engine) -> dict[str, tuple[list[dict[str, Any]], int]]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(
                PipelineRunJobPage.run_id,
                PipelineRunJobPage.jobs_page,
                PipelineRunJobPage.job_count,
            )
        )
        return {run_id: (page, count) for run_id, page, count in rows}


def _expected_pages(engine: Engine) -> dict[str, tuple[list[dict[str, Any]], int]]:
    with session_scope(engine) as session:
        rows = session.execute(select(PipelineRun.run_id, PipelineRun.jobs))
        return {run_id: job_page(jobs) for run_id, jobs in rows}


def test_the_page_follows_the_mirrors_writes_and_updates(engine: Engine) -> None:
    # 25 failed jobs among 100: more failures than a page holds, the last ones past it.
    jobs = _jobs(100, failed_every=4)
    with session_scope(engine) as session:
        pipeline_queries.upsert_pipeline_run(session, _mirror_row("exec-1", jobs))
    (page, count) = _stored_pages(engine)["exec-1"]
    assert count == 100 and len(page) == JOB_PAGE_SIZE
    assert page == [job for job in jobs if job["status"] == "failed"][:JOB_PAGE_SIZE]
    assert _stored_pages(engine) == _expected_pages(engine)

    # The mirror refreshes the execution (a retry succeeded): 3 failures, then list order.
    retried = _jobs(30, failed_every=10)
    with session_scope(engine) as session:
        pipeline_queries.upsert_pipeline_run(session, _mirror_row("exec-1", retried))
    (page, count) = _stored_pages(engine)["exec-1"]
    assert count == 30 and [job["board"] for job in page[:3]] == ["board-9", "board-19", "board-29"]
    assert page[3:] == [job for job in retried if job["status"] == "completed"][:17]
    assert _stored_pages(engine) == _expected_pages(engine)

    # Through the ORM: a new run, then its jobs replaced.
    with session_scope(engine) as session:
        session.add(
            PipelineRun(run_id="exec-2", start_time=START + timedelta(days=1), jobs=_jobs(5, 2))
        )
    assert _stored_pages(engine) == _expected_pages(engine)
    with session_scope(engine) as session:
        run = session.scalars(select(PipelineRun).where(PipelineRun.run_id == "exec-2")).one()
        run.jobs = _jobs(40, 3)
    assert _stored_pages(engine)["exec-2"][1] == 40
    assert _stored_pages(engine) == _expected_pages(engine)

    with session_scope(engine) as session:
        history = pipeline_queries.run_history(session, 10, job_lists=2, jobs_per_run=5)
    assert [(run["runId"], run["jobCount"]) for run in history] == [("exec-2", 40), ("exec-1", 30)]
    assert history[0]["jobs"] == _expected_pages(engine)["exec-2"][0][:5]


def test_a_run_written_by_another_client_is_paged_from_its_list(engine: Engine) -> None:
    """A Core write (the contract's SQL, a notebook) stores no page: the history derives it."""
    jobs = _jobs(50, failed_every=2)
    with engine.begin() as connection:
        connection.execute(
            PipelineRun.__table__.insert().values(run_id="other", start_time=START, jobs=jobs)
        )
    assert "other" not in _stored_pages(engine)
    with session_scope(engine) as session:
        (run,) = pipeline_queries.run_history(session, 1, job_lists=1)
    assert (run["jobs"], run["jobCount"]) == job_page(jobs)


@pytest.mark.empty_warehouse
def test_upgrade_from_0007_fills_the_pages(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    migrate.upgrade(engine, "0007")
    runs = {"big": _jobs(200, failed_every=7), "small": _jobs(3, 3), "empty": [], "null": None}
    with engine.begin() as connection:
        for day, (run_id, jobs) in enumerate(runs.items()):
            connection.execute(
                PipelineRun.__table__.insert().values(
                    run_id=run_id, start_time=START + timedelta(days=day), jobs=jobs
                )
            )
    migrate.upgrade(engine)
    stored = _stored_pages(engine)
    assert stored == {run_id: job_page(jobs) for run_id, jobs in runs.items()}
    assert stored["big"][1] == 200 and len(stored["big"][0]) == JOB_PAGE_SIZE
    assert all(job["status"] == "failed" for job in stored["big"][0])
    assert stored["null"] == ([], 0)
    with session_scope(engine) as session:  # and deleting a run deletes its page
        session.execute(PipelineRun.__table__.delete().where(PipelineRun.run_id == "big"))
    assert set(_stored_pages(engine)) == {"small", "empty", "null"}
    engine.dispose()
