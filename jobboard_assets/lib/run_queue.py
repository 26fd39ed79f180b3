"""Marking failed the day-of scrape runs that waited too long in the run queue."""

from datetime import UTC, datetime, timedelta

from dagster import (
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    RunsFilter,
)

from jobboard_assets.lib.names import SCRAPE_JOBS
from jobboard_assets.lib.tags import (
    CHAIN_METRICS_TAG,
)


def fail_stale_queued_runs(instance: DagsterInstance, timeout_seconds: float) -> list[DagsterRun]:
    """Mark failed the day-of scrape runs (schedule, Run Now) queued longer than the timeout.

    Dagster has no queue timeout: a run queued while the daemon was down would be launched when
    it comes back and record that later day's listings as the day it was queued for.
    """
    created_before = datetime.now(UTC) - timedelta(seconds=timeout_seconds)
    stale = [
        record.dagster_run
        for record in instance.get_run_records(
            RunsFilter(
                statuses=[DagsterRunStatus.QUEUED],
                tags={CHAIN_METRICS_TAG: "true"},
                created_before=created_before,
            )
        )
        if record.dagster_run.job_name in SCRAPE_JOBS  # in-process or on Celery shards
    ]
    for run in stale:
        instance.report_run_failed(
            run,
            f"not started within {timeout_seconds:g} s in the run queue (the daemon was down or "
            "the queue full); marked failed so that it does not scrape a later day as this one",
        )
    return stale
