"""The history run after each scrape run, whatever its board failures."""

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
from jobboard_assets.lib.cursors import read_update_cursor, update_cursor
from jobboard_assets.lib.names import HISTORY_JOB
from jobboard_assets.lib.partitions import split_board_day_key
from jobboard_assets.lib.ranges import day_range_tags
from jobboard_assets.lib.tags import (
    EXECUTION_TAG,
    PARENT_RUN_TAG,
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    TRIGGER_TAG,
)

HISTORY_BATCH = 200
"""Finished scrape runs read per tick."""


@sensor(
    job_name=HISTORY_JOB,
    minimum_interval_seconds=15,
    default_status=DefaultSensorStatus.RUNNING,
    description="Launch a day's history run (lifespans, reposts, scores, analytics, checks) after "
    "each finished scrape run of the schedule or Run Now, and after each re-execution of an "
    "execution's scrape run (a jobboard run day repaired from the UI), failed boards or not; once "
    "per scrape run. The cursor is the update time of the last run it read.",
)
def history_after_scrape_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Run a day's history phases once its scrape run has finished, failed boards or not.

    The daily assets also recompute the days after theirs up to the latest observed day
    (`timeline.days_to_refresh`), so a scrape of earlier days brings the later ones up to date.

    Dagster skips downstream steps of a failed step, so the phases after the scrape live in their
    own run; this sensor chains it to the scrape runs `run_mirror.chains_history` names (the
    schedule's, the API's, re-executions of an execution's scrape run), keyed by the execution
    (and the re-execution) so each is chained once. Why not declarative automation: a run it
    launches cannot carry the execution id (docs/pipeline.md, "Why a sensor").
    """
    cursor = context.cursor
    records = context.instance.get_run_records(
        RunsFilter(  # scrape runs of either job (`run_mirror.chains_history` tells them)
            statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE],
            updated_after=read_update_cursor(cursor),
        ),
        order_by="update_timestamp",
        ascending=True,
        limit=HISTORY_BATCH,
    )
    requests = []
    for record in records:
        cursor = update_cursor(record.update_timestamp)  # ascending: the last one is the newest
        if not run_mirror.chains_history(record):
            continue  # not chained, or failed before it started: nothing to follow
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
    return SensorResult(run_requests=requests, cursor=cursor)
