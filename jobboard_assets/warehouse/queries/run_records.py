"""pipeline_runs and pipeline_jobs: the contract's views, the mirror's upserts and the API's reads."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, delete, select, text
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import PipelineJob, PipelineRun, PipelineRunJobPage
from jobboard_assets.warehouse.queries.job_pages import JOB_PAGE_SIZE, job_page, write_job_pages
from jobboard_assets.warehouse.queries.upsert import upsert
from jobboard_assets.warehouse.types import utcnow


def _rows(session: Session, sql: str) -> list[dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in row.items()}
        for row in session.execute(text(sql)).mappings()
    ]


def _plain(value: Any) -> Any:
    """Decimal (PostgreSQL) and float (SQLite) become the same JSON-friendly float."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def pipeline_stats(session: Session) -> dict[str, Any]:
    """All-time run statistics (the `pipeline_stats` view)."""
    return _rows(session, "SELECT * FROM pipeline_stats")[0]


def pipeline_schedule(session: Session) -> list[dict[str, Any]]:
    """Runs and success rate per day, newest first (the `pipeline_schedule` view)."""
    rows = _rows(session, "SELECT * FROM pipeline_schedule ORDER BY run_date DESC")
    for row in rows:
        row["run_date"] = str(row["run_date"])
    return rows


def pipeline_job_stats(session: Session) -> list[dict[str, Any]]:
    """Success rate and duration per job type (the `pipeline_job_stats` view)."""
    return _rows(session, "SELECT * FROM pipeline_job_stats ORDER BY job_type")


# --- the mirror's writes and the contract's API reads ------------------------------------------


def upsert_pipeline_run(session: Session, row: dict[str, Any]) -> None:
    """Insert or refresh one execution's row, keyed by its run_id."""
    values = {key: value for key, value in row.items() if not key.startswith("_")}
    now = utcnow()
    upsert(
        session,
        PipelineRun.__table__,
        [{"id": uuid.uuid4(), "created_at": now, "updated_at": now, **values}],
        ["run_id"],
        [*[key for key in values if key != "run_id"], "updated_at"],
    )
    if "jobs" in values:
        write_job_pages(session, {values["run_id"]: values["jobs"]})


def upsert_pipeline_jobs(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or refresh jobs by their deterministic ids."""
    now = utcnow()
    upsert(
        session,
        PipelineJob.__table__,
        [{"created_at": now, "updated_at": now, **row} for row in rows],
        ["id"],
        [*[key for key in (rows[0] if rows else {}) if key != "id"], "updated_at"],
    )


_DELETE_BATCH = 500


def delete_other_jobs(session: Session, pipeline_run_id: str, keep: list[uuid.UUID]) -> None:
    """Remove an execution's job rows that are no longer its jobs (rows of an earlier version
    of the mirror, keyed by Dagster run rather than by execution)."""
    stored = session.scalars(
        select(PipelineJob.id).where(PipelineJob.pipeline_run_id == pipeline_run_id)
    )
    stale = sorted(set(stored) - set(keep))
    for start in range(0, len(stale), _DELETE_BATCH):  # bound the bind parameters per statement
        batch = stale[start : start + _DELETE_BATCH]
        session.execute(delete(PipelineJob).where(PipelineJob.id.in_(batch)))


def duration_seconds(
    start_time: datetime, end_time: datetime | None, worked: float | None
) -> float | None:
    """An ended execution's duration: the time its runs worked (`worked_seconds`), or its span
    for a row another client wrote."""
    if end_time is None:
        return None
    return float(worked) if worked is not None else (end_time - start_time).total_seconds()


def _run_log(run: PipelineRun | Row[Any], with_jobs: bool = True) -> dict[str, Any]:
    """The contract's PipelineRunLog shape; `with_jobs=False` leaves `jobs` empty and unread."""
    duration = duration_seconds(run.start_time, run.end_time, run.worked_seconds)
    return {
        "id": str(run.id),
        "runId": run.run_id,
        "status": run.status,
        "startTime": run.start_time.isoformat(),
        "endTime": run.end_time.isoformat() if run.end_time else None,
        "durationSeconds": round(duration, 2) if duration is not None else None,
        "totalJobs": run.total_jobs,
        "completedJobs": run.completed_jobs,
        "failedJobs": run.failed_jobs,
        # NULL when another client wrote the row (the contract allows it)
        "jobs": (run.jobs or []) if with_jobs else [],
        "errors": run.errors or [],
        "trigger": run.trigger,
        "dagsterRunIds": run.dagster_run_ids,
    }


def get_pipeline_run(session: Session, run_id: str) -> dict[str, Any] | None:
    """One execution as the contract's PipelineRunLog."""
    run = session.scalars(select(PipelineRun).where(PipelineRun.run_id == run_id)).one_or_none()
    return _run_log(run) if run else None


_LISTED = (
    "id",
    "run_id",
    "status",
    "start_time",
    "end_time",
    "worked_seconds",
    "total_jobs",
    "completed_jobs",
    "failed_jobs",
    "errors",
    "trigger",
    "dagster_run_ids",
)
"""The columns of a run log without its job list."""


def run_history(
    session: Session,
    limit: int = 10,
    job_lists: int | None = None,
    jobs_per_run: int = JOB_PAGE_SIZE,
) -> list[dict[str, Any]]:
    """The latest executions, newest first (the contract's getPipelineRunHistory).

    `job_lists`: only the newest that many carry jobs, at most `jobs_per_run` (<= JOB_PAGE_SIZE)
    each, failed ones first, with `jobCount` (the list's length), read from the runs' stored job
    pages; no job list is read (a 1,000-board run's is ~150 KB of JSON, ~5 ms to decode, and on
    SQLite its overflow pages). Without it every run carries its whole list.
    """
    if job_lists is None:
        query = select(PipelineRun).order_by(PipelineRun.start_time.desc()).limit(limit)
        return [_run_log(run) for run in session.scalars(query)]
    if jobs_per_run > JOB_PAGE_SIZE:
        raise ValueError(f"jobs_per_run {jobs_per_run}: the stored pages hold {JOB_PAGE_SIZE}")
    listed = select(*(getattr(PipelineRun, name) for name in _LISTED))
    rows = session.execute(listed.order_by(PipelineRun.start_time.desc()).limit(limit))
    runs = [_run_log(row, with_jobs=False) for row in rows]  # rows, not ORM objects: cheaper
    pages = _job_pages(session, [run["runId"] for run in runs[:job_lists]])
    for run in runs:
        jobs, run["jobCount"] = pages.get(run["runId"], ([], 0))
        run["jobs"] = jobs[:jobs_per_run]
    return runs


def _job_pages(session: Session, run_ids: list[str]) -> dict[str, tuple[list[dict[str, Any]], int]]:
    """run_id -> (its job page, its job count).

    A run without a stored page (its row written by another client, e.g. the contract's SQL) gets
    one derived from its list here, not stored: a GET does not write.
    """
    if not run_ids:
        return {}
    query = select(
        PipelineRunJobPage.run_id, PipelineRunJobPage.jobs_page, PipelineRunJobPage.job_count
    ).where(PipelineRunJobPage.run_id.in_(run_ids))
    pages = {run_id: (page, count) for run_id, page, count in session.execute(query)}
    missing = [run_id for run_id in run_ids if run_id not in pages]
    if missing:
        lists = select(PipelineRun.run_id, PipelineRun.jobs).where(PipelineRun.run_id.in_(missing))
        pages.update({run_id: job_page(jobs) for run_id, jobs in session.execute(lists)})
    return pages


def pending_jobs(session: Session) -> list[dict[str, Any]]:
    """Jobs waiting to run (the contract's getPendingJobs), oldest first."""
    jobs = session.scalars(
        select(PipelineJob).where(PipelineJob.status == "pending").order_by(PipelineJob.created_at)
    )
    return [
        {
            "id": str(job.id),
            "jobType": job.job_type,
            "boardId": job.job_board_id,
            "boardName": job.board_name,
            "status": job.status,
            "startedAt": job.started_at.isoformat() if job.started_at else None,
            "completedAt": job.completed_at.isoformat() if job.completed_at else None,
            "error": job.error,
            "result": job.result,
            "runId": job.pipeline_run_id,
        }
        for job in jobs
    ]


def recent_stats(session: Session, days: int = 7) -> dict[str, Any]:
    """The contract's getPipelineStats over the last `days` days of finished executions."""
    since = utcnow() - timedelta(days=days)
    columns = (
        PipelineRun.status,
        PipelineRun.start_time,
        PipelineRun.end_time,
        PipelineRun.worked_seconds,
        PipelineRun.total_jobs,
        PipelineRun.completed_jobs,
        PipelineRun.failed_jobs,
    )  # not the job lists (~150 KB of JSON per 1,000-board run)
    runs = session.execute(
        select(*columns).where(PipelineRun.start_time >= since, PipelineRun.end_time.is_not(None))
    ).all()
    total_jobs = sum(run.total_jobs for run in runs)
    completed_jobs = sum(run.completed_jobs for run in runs)
    successful = sum(run.status == "completed" for run in runs)
    durations = [
        seconds
        for run in runs
        if (seconds := duration_seconds(run.start_time, run.end_time, run.worked_seconds))
        is not None
    ]
    return {
        "period": f"last {days} days",
        "totalRuns": len(runs),
        "successfulRuns": successful,
        "partialRuns": sum(run.status == "partial" for run in runs),
        "failedRuns": sum(run.status == "failed" for run in runs),
        "successRate": round(100.0 * successful / len(runs), 1) if runs else None,
        "totalJobs": total_jobs,
        "completedJobs": completed_jobs,
        "failedJobs": sum(run.failed_jobs for run in runs),
        "jobSuccessRate": round(100.0 * completed_jobs / total_jobs, 1) if total_jobs else None,
        "avgDurationSeconds": round(sum(durations) / len(durations), 1) if durations else None,
    }


def request_execution(session: Session, run_id: str, trigger: str = "api") -> dict[str, Any]:
    """Record an execution asked for from outside Dagster (the API's Run Now).

    The row starts as `running` with no Dagster runs; `api_run_requests_sensor` launches it
    through the run queue and the mirror fills it in from the runs it launched.
    """
    now = utcnow()
    run = PipelineRun(
        run_id=run_id,
        status="running",
        start_time=now,
        trigger=trigger,
        jobs=[],
        errors=[],
        dagster_run_ids=[],
    )
    session.add(run)
    session.flush()
    return _run_log(run)


def _unlaunched(session: Session, trigger: str) -> list[PipelineRun]:
    runs = session.scalars(
        select(PipelineRun)
        .where(
            PipelineRun.trigger == trigger,
            PipelineRun.status == "running",
            PipelineRun.total_jobs == 0,
        )
        .order_by(PipelineRun.start_time)
    )
    return [run for run in runs if not run.dagster_run_ids]


def unlaunched_requests(session: Session, trigger: str = "api") -> list[str]:
    """run_ids of requested executions that have no Dagster run yet, oldest first."""
    return [run.run_id for run in _unlaunched(session, trigger)]


def expire_requests(
    session: Session, timeout_seconds: float, trigger: str = "api"
) -> list[dict[str, Any]]:
    """Mark failed the requests still not launched `timeout_seconds` after they were made.

    A request nobody launches (the daemon is down, no board is enabled) would otherwise stay
    `running` forever and, launched a day later, scrape the wrong day.
    """
    now = utcnow()
    expired = []
    for run in _unlaunched(session, trigger):
        if (now - run.start_time).total_seconds() < timeout_seconds:
            continue
        run.status = "failed"
        run.end_time = now
        run.errors = [
            f"not launched within {timeout_seconds:g} s of the request: is the dagster-daemon "
            "running (it runs the sensor that launches Run Now requests) and is a board enabled?"
        ]
        expired.append(_run_log(run))
    session.flush()
    return expired


def request_times(session: Session, since: datetime, trigger: str = "api") -> list[datetime]:
    """When the requests of this trigger recorded since `since` were made, oldest first."""
    return list(
        session.scalars(
            select(PipelineRun.start_time)
            .where(PipelineRun.trigger == trigger, PipelineRun.start_time >= since)
            .order_by(PipelineRun.start_time)
        )
    )


def active_request(
    session: Session, since: datetime, trigger: str = "api"
) -> dict[str, Any] | None:
    """The newest execution of this trigger started since `since` that is still running."""
    run = session.scalars(
        select(PipelineRun)
        .where(
            PipelineRun.trigger == trigger,
            PipelineRun.status == "running",
            PipelineRun.start_time >= since,
        )
        .order_by(PipelineRun.start_time.desc())
        .limit(1)
    ).one_or_none()
    return _run_log(run) if run else None
