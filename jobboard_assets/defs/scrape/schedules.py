"""The daily schedule: every enabled board at 02:00 UTC, then the day's history phases."""

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from jobboard_assets import config
from jobboard_assets.lib.names import DAILY_SCHEDULE
from jobboard_assets.lib.partitions import board_partitions
from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.scale_out import scrape_target
from jobboard_assets.lib.tags import CHAIN_METRICS_TAG, EXECUTION_TAG, SCHEDULE_TAG, TRIGGER_TAG

_TARGET = scrape_target()


@schedule(
    name=DAILY_SCHEDULE,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    job_name=_TARGET.job_name,
    default_status=(
        DefaultScheduleStatus.RUNNING
        if config.schedule_running()
        else DefaultScheduleStatus.STOPPED
    ),
    description="Scrape every enabled board for the day at 02:00 UTC; the metrics sensor then "
    "runs the day's lifespans, reposts and scores, also when some boards failed. Running unless "
    "JOBBOARD_SCHEDULE_STATUS=stopped.",
)
def daily_pipeline_schedule(context: ScheduleEvaluationContext) -> RunRequest | SkipReason:
    day = context.scheduled_execution_time.date()
    boards = board_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    if not boards:
        return SkipReason(
            "no enabled boards yet: the board_registry_sensor adds them from the registry"
        )
    execution_id = f"schedule-{day.isoformat()}"
    return RunRequest(
        run_key=execution_id,  # one tick per day, never run twice
        run_config=_TARGET.run_config,
        tags={
            **board_range_tags(boards, day, day),
            EXECUTION_TAG: execution_id,
            TRIGGER_TAG: "schedule",
            CHAIN_METRICS_TAG: "true",
            SCHEDULE_TAG: DAILY_SCHEDULE,
        },
    )
