"""/api/pipeline: the contract's pending / history / stats reads and the Run Now request.

Run Now only records the request (`request_execution`); the `api_run_requests_sensor` launches
it through the Dagster run queue, so the API never talks to Dagster. Each request is a full
scrape of every enabled board, so a double click must not make two: while today's API execution
is running a new request is refused with 409 and the running one's id (the database decides, across
API processes), only a few requests a minute are accepted (429), and a request not launched in
time is marked failed with the reason.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from jobboard_assets import config
from jobboard_assets.api.endpoints import Action, Endpoint, in_session
from jobboard_assets.api.params import ApiError, days_param, limit_param
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets.warehouse.queries.job_pages import JOB_PAGE_SIZE

DEFAULT_HISTORY_LIMIT = 10
DEFAULT_STATS_DAYS = 7
MAX_JOBS_PER_RUN = JOB_PAGE_SIZE  # the stored job pages' size
JOB_LISTS = 3


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def stats(session: Session, days: int) -> dict[str, Any]:
    """The contract's last-N-days statistics, with the all-time view beside them."""
    all_time = {
        _camel(key): value for key, value in pipeline_queries.pipeline_stats(session).items()
    }
    return {**pipeline_queries.recent_stats(session, days), "allTime": all_time}


def history(session: Session, limit: int) -> list[dict[str, Any]]:
    """The latest runs; the newest JOB_LISTS carry at most MAX_JOBS_PER_RUN jobs (failed ones
    first), and every run says how many it left out (`jobsOmitted`). A 1,000-board run has
    thousands of jobs: 100 full lists were megabytes a poll, and seconds to read."""
    runs = pipeline_queries.run_history(
        session, limit, job_lists=JOB_LISTS, jobs_per_run=MAX_JOBS_PER_RUN
    )
    for run in runs:
        run["jobsOmitted"] = max(run.pop("jobCount"), run["totalJobs"]) - len(run["jobs"])
    return runs


RATE_WINDOW = timedelta(seconds=60)
RATE_LIMIT_RULE = (
    "at most `JOBBOARD_RUN_NOW_PER_MINUTE` (3) accepted Run Now requests in any 60 seconds, "
    "counted in the warehouse across every API process; a refused request (409, 429) does not "
    "count"
)
"""The one rule, written the same in the OpenAPI document, the README and the docs."""
_ATTEMPTS = 3


def request_run(engine: Engine, per_minute: int) -> dict[str, Any]:
    """Record a Run Now request, unless today's is still running (409 with its id) or
    `per_minute` requests were accepted in the last minute (429).

    The database decides between API processes: its unique index admits one request waiting
    to be launched (migration 0012), so of two simultaneous requests the second insert fails and
    is answered, on the next attempt, with the first one's 409 (on SQLite a writer that lost the
    race to another process is refused the write and tries again the same way).
    """
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            with session_scope(engine) as session:
                return _record_request(session, per_minute)
        except (IntegrityError, OperationalError):
            if attempt == _ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # the last attempt returns or raises


def _record_request(session: Session, per_minute: int) -> dict[str, Any]:
    """The checks and the insert of one request, in one transaction. Only accepted requests
    count towards the limit: a refused one (409, 429, 401, 400) records nothing.

    Requests left unlaunched past `config.run_request_timeout()` are failed first, so a request
    the daemon never saw does not block the next one. The random suffix keeps two requests in one
    millisecond apart.
    """
    now = datetime.now(UTC)
    pipeline_queries.expire_requests(session, config.run_request_timeout())
    running = pipeline_queries.active_request(session, since=datetime.combine(now, clock(0), UTC))
    if running is not None:
        raise ApiError(
            409, f"today's Run Now execution {running['runId']} is still running", data=running
        )
    accepted = pipeline_queries.request_times(session, since=now - RATE_WINDOW)
    if len(accepted) >= per_minute:
        wait = max(1, int((accepted[-per_minute] + RATE_WINDOW - now).total_seconds()) + 1)
        raise ApiError(
            429,
            f"at most {per_minute} Run Now requests a minute: retry in {wait} s",
            {"Retry-After": str(wait)},
        )
    run_id = f"api-{time.time_ns() // 1_000_000}-{secrets.token_hex(3)}"
    return pipeline_queries.request_execution(session, run_id, trigger="api")


PIPELINE = Endpoint(
    path="/api/pipeline",
    summary="Pipeline runs and jobs (the contract's getPendingJobs, getPipelineRunHistory, getPipelineStats)",
    actions={
        "pending": Action(
            in_session(lambda session, _: pipeline_queries.pending_jobs(session)),
            "Jobs waiting to run, oldest first.",
            array_of("PipelineJob"),
        ),
        "history": Action(
            in_session(
                lambda session, params: history(session, params.get("limit", DEFAULT_HISTORY_LIMIT))
            ),
            f"The latest runs, newest first (`limit`, default {DEFAULT_HISTORY_LIMIT}); the newest "
            f"{JOB_LISTS} with at most {MAX_JOBS_PER_RUN} of their jobs (failed first), every run "
            "with `jobsOmitted`.",
            array_of("PipelineRunHistory"),
        ),
        "stats": Action(
            in_session(
                lambda session, params: stats(session, params.get("days", DEFAULT_STATS_DAYS))
            ),
            f"Finished runs of the last `days` days (default {DEFAULT_STATS_DAYS}), plus `allTime`.",
            ref("PipelineStats"),
        ),
    },
    params=(
        limit_param(f"history: how many runs (default {DEFAULT_HISTORY_LIMIT})."),
        days_param(f"stats: the window in days (default {DEFAULT_STATS_DAYS})."),
    ),
)
