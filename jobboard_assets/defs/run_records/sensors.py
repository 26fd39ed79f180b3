"""Run records: every run mirrored into pipeline_runs, and Run Now requests launched."""

import time
from datetime import UTC, datetime

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from jobboard_assets import config
from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.cursors import read_update_cursor, update_cursor
from jobboard_assets.lib.partitions import board_partitions
from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.resources import WarehouseResource
from jobboard_assets.lib.run_queue import fail_stale_queued_runs
from jobboard_assets.lib.scale_out import scrape_target
from jobboard_assets.lib.tags import (
    CHAIN_METRICS_TAG,
    EXECUTION_TAG,
    TRIGGER_TAG,
)
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries

MIRROR_TIME_BUDGET_SECONDS = 40.0  # stay well inside the daemon's 60 s sensor timeout
MIRROR_BATCH = 200


@sensor(
    minimum_interval_seconds=10,
    default_status=DefaultSensorStatus.RUNNING,
    description="Mirror every run of this code location into pipeline_runs / pipeline_jobs (one "
    "row per execution, re-executions and retries joining their root run's), and fail day-of "
    "scrapes left in the run queue too long. Requests no runs: each tick logs the executions "
    "it wrote; the cursor is the update time of the last run it read.",
)
def pipeline_runs_mirror_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource
) -> None:
    """Mirror every run of this code location into pipeline_runs / pipeline_jobs.

    It reads run records by update time (not run-status events), so it sees runs launched from
    the UI, `dagster asset materialize`, backfills, schedules and `jobboard run` alike, and it
    keeps reading batches until caught up or out of time, so a burst of finishing runs does not
    leave it behind.
    """
    deadline = time.monotonic() + MIRROR_TIME_BUDGET_SECONDS
    for run in fail_stale_queued_runs(context.instance, config.queue_timeout()):
        context.log.warning(f"run {run.run_id} waited too long in the queue: marked failed")
    updated_after = read_update_cursor(context.cursor)
    while time.monotonic() < deadline:
        records = context.instance.get_run_records(
            RunsFilter(updated_after=updated_after),
            order_by="update_timestamp",
            ascending=True,
            limit=MIRROR_BATCH,
        )
        ours = [record for record in records if run_mirror.is_ours(record.dagster_run)]
        if ours:
            rows = run_mirror.mirror_executions(
                context.instance,
                warehouse.engine,
                {run_mirror.execution_id_of(context.instance, r.dagster_run) for r in ours},
            )
            context.log.info(
                f"wrote {len(rows)} execution(s): "
                + ", ".join(f"{row['run_id']} {row['status']}" for row in rows)
            )
        if not records:
            break
        updated_after = records[-1].update_timestamp
        context.update_cursor(update_cursor(updated_after))
        if len(records) < MIRROR_BATCH:
            break


_SCRAPE = scrape_target()


@sensor(
    job_name=_SCRAPE.job_name,
    minimum_interval_seconds=5,
    default_status=DefaultSensorStatus.RUNNING,
    description="Launch the Run Now requests the API recorded in pipeline_runs: one scrape run of "
    "every enabled board for today per request (run key = the request's id), through the run "
    "queue; requests not launched in time are failed with the reason.",
)
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
                run_config=_SCRAPE.run_config,
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
