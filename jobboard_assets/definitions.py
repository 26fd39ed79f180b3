"""The code location: one `Definitions` that assembles the modules under `defs/`."""

from __future__ import annotations

from dagster import Definitions, JobDefinition, in_process_executor

from jobboard_assets.defs.assets import history_assets, scrape_assets, source_assets
from jobboard_assets.defs.checks import asset_checks
from jobboard_assets.defs.jobs import (
    HISTORY_JOB,
    SCRAPE_JOB,
    daily_history_job,
    scrape_boards_job,
)
from jobboard_assets.defs.metric_assets import metric_assets
from jobboard_assets.defs.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.defs.schedules import daily_pipeline_schedule
from jobboard_assets.defs.sensors import (
    api_run_requests_sensor,
    board_registry_sensor,
    history_after_scrape_sensor,
    pipeline_runs_mirror_sensor,
)
from jobboard_assets.defs.shards import SHARDED_SCRAPE_JOB, scrape_boards_sharded

defs = Definitions(
    assets=[*scrape_assets, *history_assets, *metric_assets, *source_assets],
    asset_checks=asset_checks,
    jobs=[scrape_boards_job, daily_history_job, scrape_boards_sharded],
    schedules=[daily_pipeline_schedule],
    sensors=[
        board_registry_sensor,
        history_after_scrape_sensor,
        pipeline_runs_mirror_sensor,
        api_run_requests_sensor,
    ],
    resources={"warehouse": WarehouseResource(), "sources": BoardSourcesResource()},
    # One process per run, steps in it: a process per step doubles run time for these small steps.
    executor=in_process_executor,
)


def scrape_job() -> JobDefinition:
    """The scrape job, reconstructable for in-process execution by `jobboard run`."""
    return defs.resolve_job_def(SCRAPE_JOB)


def history_job() -> JobDefinition:
    """The history job, reconstructable for in-process execution by `jobboard run`."""
    return defs.resolve_job_def(HISTORY_JOB)


def sharded_scrape_job() -> JobDefinition:
    """The scrape split per ATS host on Celery workers, reconstructable (workers rebuild it)."""
    return defs.resolve_job_def(SHARDED_SCRAPE_JOB)
