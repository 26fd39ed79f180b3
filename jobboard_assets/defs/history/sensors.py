"""The history run after each scrape run, whatever its board failures."""

from datetime import UTC, datetime

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.names import HISTORY_JOB
from jobboard_assets.lib.partitions import split_board_day_key
from jobboard_assets.lib.ranges import day_range_tags
from jobboard_assets.lib.tags import (
    CHAIN_METRICS_TAG,
    EXECUTION_TAG,
    PARENT_RUN_TAG,
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    TRIGGER_TAG,
)

HISTORY_BATCH = 200
"""Finished scrape runs read per tick."""


@sensor(
    job_name=HISTORY_JOB, minimum_interval_seconds=15, default_status=DefaultSensorStatus.RUNNING
)
def history_after_scrape_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Run a day's history phases once its scrape run has finished, failed boards or not.

    The daily assets also recompute the days after theirs up to the latest observed day
    (`timeline.days_to_refresh`), so a scrape of earlier days brings the later ones up to date.

    Dagster skips downstream steps of a failed step, so the phases after the scrape live in their
    own run; this sensor chains it to scrape runs tagged `jobboard/chain_metrics=true` (the
    schedule's and the API's), keyed by the execution (and the re-execution) so each is chained once.
    """
    cursor = float(context.cursor or 0)
    records = context.instance.get_run_records(
        RunsFilter(  # scrape runs of either job (`run_mirror.chains_history` tells them)
            statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE],
            tags={CHAIN_METRICS_TAG: "true"},
            updated_after=datetime.fromtimestamp(cursor, tz=UTC) if cursor else None,
        ),
        order_by="update_timestamp",
        ascending=True,
        limit=HISTORY_BATCH,
    )
    requests = []
    for record in records:
        cursor = max(cursor, record.update_timestamp.timestamp())
        if not run_mirror.chains_history(record):
            continue  # failed before it started (queue timeout, launch failure): nothing to follow
        run = record.dagster_run
        first = split_board_day_key(run.tags[PARTITION_RANGE_START_TAG])[1]
        last = split_board_day_key(run.tags[PARTITION_RANGE_END_TAG])[1]
        execution_id = run.tags[EXECUTION_TAG]
        # A re-execution or retry copies the parent's tags: it gets its own history run (the
        # execution's first one ran before it repaired anything).
        redo = f"-{run.run_id}" if PARENT_RUN_TAG in run.tags else ""
        requests.append(
            RunRequest(
                run_key=f"history-{execution_id}{redo}",
                tags={
                    **day_range_tags(first, last),
                    EXECUTION_TAG: execution_id,
                    TRIGGER_TAG: run.tags.get(TRIGGER_TAG, "sensor"),
                },
            )
        )
    return SensorResult(run_requests=requests, cursor=str(cursor))
