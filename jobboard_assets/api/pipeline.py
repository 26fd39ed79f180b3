"""/api/pipeline: the seed's pending / history / stats reads and the Run Now request.

Run Now only records the request (`request_execution`); the `api_run_requests_sensor` launches
it through the Dagster run queue, so the API never talks to Dagster.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jobboard_assets.api.endpoints import Action, Endpoint, in_session
from jobboard_assets.api.params import days_param, limit_param
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import pipeline as pipeline_queries

DEFAULT_HISTORY_LIMIT = 10
DEFAULT_STATS_DAYS = 7


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def stats(session: Session, days: int) -> dict[str, Any]:
    """The seed's last-N-days statistics, with the all-time view beside them."""
    all_time = {
        _camel(key): value for key, value in pipeline_queries.pipeline_stats(session).items()
    }
    return {**pipeline_queries.recent_stats(session, days), "allTime": all_time}


def request_run(engine: Engine) -> dict[str, Any]:
    """Record a Run Now request; the random suffix keeps two requests in one millisecond apart."""
    run_id = f"api-{time.time_ns() // 1_000_000}-{secrets.token_hex(3)}"
    with session_scope(engine) as session:
        return pipeline_queries.request_execution(session, run_id, trigger="api")


PIPELINE = Endpoint(
    path="/api/pipeline",
    summary="Pipeline runs and jobs (the seed's getPendingJobs, getPipelineRunHistory, getPipelineStats)",
    actions={
        "pending": Action(
            in_session(lambda session, _: pipeline_queries.pending_jobs(session)),
            "Jobs waiting to run, oldest first.",
            array_of("PipelineJob"),
        ),
        "history": Action(
            in_session(
                lambda session, params: pipeline_queries.run_history(
                    session, params.get("limit", DEFAULT_HISTORY_LIMIT)
                )
            ),
            f"The latest runs, newest first (`limit`, default {DEFAULT_HISTORY_LIMIT}).",
            array_of("PipelineRunLog"),
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
