"""A run's job page: the page of `pipeline_runs.jobs` the API shows, kept beside the run.

One derivation (`job_page`), stored by every writer of `pipeline_runs.jobs`: the run mirror's
upsert (`write_job_pages`), ORM writes of `PipelineRun` (the mapper events below, registered
when the warehouse package is imported), and migration 0008's fill.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Mapper, Session

from jobboard_assets.warehouse.models import PipelineRun, PipelineRunJobPage
from jobboard_assets.warehouse.queries.upsert import upsert

JOB_PAGE_SIZE = 20
"""How many of a run's jobs its precomputed page holds (the API shows at most this many)."""


def job_page(
    jobs: Sequence[Any] | None, size: int = JOB_PAGE_SIZE
) -> tuple[list[dict[str, Any]], int]:
    """The page of a run's job list the API shows, and the list's length.

    The first `size` jobs, failed ones first, then in list order. The only derivation of a page:
    every writer of `pipeline_runs.jobs` stores its result in `pipeline_run_job_pages`.
    """
    jobs = jobs or []
    failed = [job for job in jobs if isinstance(job, dict) and job.get("status") == "failed"]
    page = failed[:size]
    if len(page) < size:
        page += [
            job for job in jobs if not (isinstance(job, dict) and job.get("status") == "failed")
        ][: size - len(page)]
    return page, len(jobs)


def write_job_pages(
    executor: Session | Connection, jobs_by_run: dict[str, Sequence[Any] | None]
) -> None:
    """Store the job page of each run_id's job list (insert or overwrite)."""
    rows = []
    for run_id, jobs in jobs_by_run.items():
        page, count = job_page(jobs)
        rows.append({"run_id": run_id, "jobs_page": page, "job_count": count})
    upsert(executor, PipelineRunJobPage.__table__, rows, ["run_id"])


@event.listens_for(PipelineRun, "after_insert")
def _page_of_inserted_run(mapper: Mapper[Any], connection: Connection, run: PipelineRun) -> None:
    write_job_pages(connection, {run.run_id: run.jobs})


@event.listens_for(PipelineRun, "after_update")
def _page_of_updated_run(mapper: Mapper[Any], connection: Connection, run: PipelineRun) -> None:
    if inspect(run).attrs.jobs.history.has_changes():  # a new run_id cascades to its page
        write_job_pages(connection, {run.run_id: run.jobs})
