"""Sensors: the board registry, the day's history phases after a scrape, the pipeline_runs mirror."""

import time
from datetime import UTC, datetime, timedelta

from dagster import (
    AddDynamicPartitionsRequest,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    DefaultSensorStatus,
    DeleteDynamicPartitionsRequest,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from jobboard_assets import config
from jobboard_assets.defs.history.jobs import HISTORY_JOB
from jobboard_assets.defs.partitions import board_partitions, split_board_day_key
from jobboard_assets.defs.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.defs.scrape.jobs import SCRAPE_JOB
from jobboard_assets.runs import mirror
from jobboard_assets.runs.ranges import board_range_tags, day_range_tags
from jobboard_assets.runs.registry import partition_changes
from jobboard_assets.runs.tags import (
    CHAIN_METRICS_TAG,
    EXECUTION_TAG,
    PARENT_RUN_TAG,
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    TRIGGER_TAG,
)
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import pipeline as pipeline_queries
from jobboard_assets.warehouse.queries.boards import sync_boards

MIRROR_TIME_BUDGET_SECONDS = 40.0  # stay well inside the daemon's 60 s sensor timeout
MIRROR_BATCH = 200


@sensor(minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def board_registry_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource, sources: BoardSourcesResource
) -> SensorResult:
    """Sync the registry file into job_boards and the board partitions (enabled boards only).

    A board removed from the file or disabled keeps its rows and its materializations; it only
    stops getting new runs.
    """
    boards = sources.registry()
    with session_scope(warehouse.engine) as session:
        result = sync_boards(session, boards)
    current = board_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    to_add, to_delete = partition_changes(
        current, [board.slug for board in boards if board.enabled]
    )
    context.log.info(f"registry: {result}; partitions +{len(to_add)} -{len(to_delete)}")
    requests: list[AddDynamicPartitionsRequest | DeleteDynamicPartitionsRequest] = []
    if to_add:
        requests.append(board_partitions.build_add_request(to_add))
    if to_delete:
        requests.append(board_partitions.build_delete_request(to_delete))
    return SensorResult(dynamic_partitions_requests=requests)


@sensor(
    job_name=HISTORY_JOB, minimum_interval_seconds=15, default_status=DefaultSensorStatus.RUNNING
)
def history_after_scrape_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Run a day's history phases once its scrape run has finished, failed boards or not.

    The daily assets also recompute the days after theirs up to the latest observed day
    (`history.days_to_refresh`), so a scrape of earlier days brings the later ones up to date.

    Dagster skips downstream steps of a failed step, so the phases after the scrape live in their
    own run; this sensor chains it to scrape runs tagged `jobboard/chain_metrics=true` (the
    schedule's and the API's), keyed by the execution (and the re-execution) so each is chained once.
    """
    cursor = float(context.cursor or 0)
    records = context.instance.get_run_records(
        RunsFilter(
            job_name=SCRAPE_JOB,
            statuses=[DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE],
            tags={CHAIN_METRICS_TAG: "true"},
            updated_after=datetime.fromtimestamp(cursor, tz=UTC) if cursor else None,
        ),
        order_by="update_timestamp",
        ascending=True,
        limit=MIRROR_BATCH,
    )
    requests = []
    for record in records:
        cursor = max(cursor, record.update_timestamp.timestamp())
        if not mirror.chains_history(record):
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


@sensor(minimum_interval_seconds=10, default_status=DefaultSensorStatus.RUNNING)
def pipeline_runs_mirror_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> None:
    """Mirror every run of this code location into pipeline_runs / pipeline_jobs.

    It reads run records by update time (not run-status events), so it sees runs launched from
    the UI, `dagster asset materialize` (which have no job origin), backfills, schedules and
    `jobboard run` alike, and it keeps reading batches until caught up or out of time, so a burst
    of finishing runs does not leave it behind.
    """
    deadline = time.monotonic() + MIRROR_TIME_BUDGET_SECONDS
    for run in fail_stale_queued_runs(context.instance, config.queue_timeout()):
        context.log.warning(f"run {run.run_id} waited too long in the queue: marked failed")
    cursor = float(context.cursor or 0)
    while time.monotonic() < deadline:
        records = context.instance.get_run_records(
            RunsFilter(updated_after=datetime.fromtimestamp(cursor, tz=UTC) if cursor else None),
            order_by="update_timestamp",
            ascending=True,
            limit=MIRROR_BATCH,
        )
        ours = [record for record in records if mirror.is_ours(record.dagster_run)]
        if ours:
            mirror.mirror_executions(
                context.instance,
                warehouse.engine,
                {mirror.execution_id_of(r.dagster_run) for r in ours},
            )
        if not records:
            break
        cursor = records[-1].update_timestamp.timestamp()
        context.update_cursor(str(cursor))
        if len(records) < MIRROR_BATCH:
            break


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
                job_name=SCRAPE_JOB,
                statuses=[DagsterRunStatus.QUEUED],
                tags={CHAIN_METRICS_TAG: "true"},
                created_before=created_before,
            )
        )
    ]
    for run in stale:
        instance.report_run_failed(
            run,
            f"not started within {timeout_seconds:g} s in the run queue (the daemon was down or "
            "the queue full); marked failed so that it does not scrape a later day as this one",
        )
    return stale


@sensor(job_name=SCRAPE_JOB, minimum_interval_seconds=5, default_status=DefaultSensorStatus.RUNNING)
def api_run_requests_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> SensorResult:
    """Launch the executions requested through the API (Run Now) via the run queue.

    The API only records the request in pipeline_runs; the run is launched here, so it goes
    through the instance's queue like any other and the daemon executes it. The run key is the
    request's run_id, so a request is launched once however often the sensor sees it.
    """
    with session_scope(warehouse.engine) as session:
        for expired in pipeline_queries.expire_requests(session, config.run_request_timeout()):
            context.log.warning(f"Run Now request {expired['runId']}: {expired['errors'][0]}")
        requested = pipeline_queries.unlaunched_requests(session)
    boards = board_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    if not requested or not boards:
        return SensorResult(
            skip_reason="no requested executions" if not requested else "no enabled boards"
        )
    today = datetime.now(UTC).date()
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=run_id,
                tags={
                    **board_range_tags(boards, today, today),
                    EXECUTION_TAG: run_id,
                    TRIGGER_TAG: "api",
                    CHAIN_METRICS_TAG: "true",
                },
            )
            for run_id in requested
        ]
    )
