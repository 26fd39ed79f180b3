"""/api/pipeline: the contract's pending / history / stats reads and the Run Now request.

Run Now only records the request (`request_execution`); the `api_run_requests_sensor` launches
it through the Dagster run queue, so the API never talks to Dagster. Each request is a full
scrape of every enabled board, so a double click must not make two: while today's API execution
is running a new request is refused with 409 and the running one's id, a token may ask only a few
times a minute (429), and a request not launched in time is marked failed with the reason.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime
from datetime import time as clock
from typing import Any

from sqlalchemy import Engine
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


# Check-then-insert of one API process at a time (the API runs as one process, see `jobboard api`).
_REQUEST_LOCK = threading.Lock()


def request_run(engine: Engine) -> dict[str, Any]:
    """Record a Run Now request, unless today's is still running (409 with its id).

    Requests left unlaunched past `config.run_request_timeout()` are failed first, so a request
    the daemon never saw does not block the next one. The random suffix keeps two requests in one
    millisecond apart.
    """
    midnight = datetime.combine(datetime.now(UTC).date(), clock(0), UTC)
    with _REQUEST_LOCK, session_scope(engine) as session:
        pipeline_queries.expire_requests(session, config.run_request_timeout())
        running = pipeline_queries.active_request(session, since=midnight)
        if running is not None:
            raise ApiError(
                409,
                f"today's Run Now execution {running['runId']} is still running",
                data=running,
            )
        run_id = f"api-{time.time_ns() // 1_000_000}-{secrets.token_hex(3)}"
        return pipeline_queries.request_execution(session, run_id, trigger="api")


class RateLimit:
    """At most `per_minute` accepted calls per key in any 60 seconds (in this process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Count a call for `key`, or raise 429 with the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] >= 60:
                calls.popleft()
            if len(calls) >= self.per_minute:
                wait = max(1, int(60 - (now - calls[0])) + 1)
                raise ApiError(
                    429,
                    f"at most {self.per_minute} Run Now requests a minute: retry in {wait} s",
                    {"Retry-After": str(wait)},
                )
            calls.append(now)


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
