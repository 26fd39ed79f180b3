"""The schedule and the sensors, evaluated with Dagster's own test helpers on a real instance."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from dagster import (
    AddDynamicPartitionsRequest,
    DeleteDynamicPartitionsRequest,
    RunRequest,
    RunsFilter,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    execute_job,
    reconstructable,
)
from sqlalchemy import Engine, func, select

from jobboard_assets.config import SCHEDULE_STATUS_ENV
from jobboard_assets.definitions import scrape_job
from jobboard_assets.defs.history.sensors import history_after_scrape_sensor
from jobboard_assets.defs.run_records.sensors import pipeline_runs_mirror_sensor
from jobboard_assets.defs.scrape.schedules import daily_pipeline_schedule
from jobboard_assets.defs.scrape.sensors import board_registry_sensor
from jobboard_assets.launch.execute import sync_registry
from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.lib.tags import CHAIN_METRICS_TAG, EXECUTION_TAG, TRIGGER_TAG
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, PipelineJob, PipelineRun
from jobboard_assets_tests.platform import Platform

DAY = date(2026, 2, 2)
pytestmark = pytest.mark.slow


def _evaluate(sensor, platform: Platform, resources=None, cursor=None):
    """Evaluate a sensor with Dagster's test context on the platform's real instance."""
    with build_sensor_context(
        instance=platform.instance, resources=resources, cursor=cursor
    ) as context:
        return sensor(context)


def _resources(platform: Platform, tmp_path: Path):
    return {
        "warehouse": WarehouseResource(database_url=platform.warehouse_url),
        "sources": BoardSourcesResource(
            boards_file=str(platform.write_registry(tmp_path / "boards.yaml"))
        ),
    }


def test_schedule_requests_every_enabled_board_once_per_day(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    context = build_schedule_context(
        instance=platform.instance,
        scheduled_execution_time=datetime(2026, 2, 2, 2, 0, tzinfo=UTC),
    )
    skipped = daily_pipeline_schedule(context)
    assert isinstance(skipped, SkipReason)
    assert "no enabled boards" in (skipped.skip_message or "")

    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    request = daily_pipeline_schedule(context)
    assert isinstance(request, RunRequest)
    assert request.run_key == "schedule-2026-02-02"
    assert request.tags[CHAIN_METRICS_TAG] == "true" and request.tags[TRIGGER_TAG] == "schedule"
    # Listed on the schedule's page also when launched from "Test schedule" (no tick).
    assert request.tags["dagster/schedule_name"] == daily_pipeline_schedule.name
    assert request.tags == {**request.tags, **board_range_tags(enabled, DAY, DAY)}
    assert request.partition_key_range is not None


def test_registry_sensor_syncs_boards_and_partitions(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    platform = jobboard_platform
    resources = _resources(platform, tmp_path)
    result = _evaluate(board_registry_sensor, platform, resources)
    (add,) = result.dynamic_partitions_requests
    assert isinstance(add, AddDynamicPartitionsRequest)
    assert list(add.partition_keys) == [board.slug for board in platform.registry]
    with session_scope(platform.engine) as session:
        assert session.scalar(select(func.count()).select_from(JobBoard)) == len(platform.registry)

    platform.instance.add_dynamic_partitions("boards", list(add.partition_keys))
    dropped = platform.registry.pop()
    resources = _resources(platform, tmp_path)
    result = _evaluate(board_registry_sensor, platform, resources)
    (delete,) = result.dynamic_partitions_requests
    assert isinstance(delete, DeleteDynamicPartitionsRequest)
    assert list(delete.partition_keys) == [dropped.slug]
    with session_scope(platform.engine) as session:
        board = session.scalars(select(JobBoard).where(JobBoard.slug == dropped.slug)).one()
        assert board.enabled is False  # disabled, history kept


def test_history_sensor_chains_once_after_a_scrape_and_mirror_is_idempotent(
    jobboard_platform: Platform, tmp_path
) -> None:
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    platform.server.set_fault(enabled[0], "http_500")
    scrape = execute_job(
        reconstructable(scrape_job),
        instance=platform.instance,
        tags={
            **board_range_tags(enabled, DAY, DAY),
            EXECUTION_TAG: "exec-1",
            CHAIN_METRICS_TAG: "true",
        },
        raise_on_error=False,
    )
    assert not scrape.success  # one board failed: the history must still run

    result = _evaluate(history_after_scrape_sensor, platform)
    (request,) = result.run_requests
    assert request.run_key == "history-exec-1"
    assert request.tags[EXECUTION_TAG] == "exec-1"
    assert request.partition_key_range.start == request.partition_key_range.end == DAY.isoformat()
    # The cursor says when the last run it read was updated, readably, and it holds.
    (record,) = platform.instance.get_run_records(RunsFilter(run_ids=[scrape.run_id]))
    assert result.cursor == record.update_timestamp.astimezone(UTC).isoformat()
    again = _evaluate(history_after_scrape_sensor, platform, cursor=result.cursor)
    assert again.run_requests == []

    resources = {"warehouse": WarehouseResource(database_url=platform.warehouse_url)}
    _evaluate(pipeline_runs_mirror_sensor, platform, resources)
    row = _pipeline_run(platform.engine, "exec-1")
    assert row.status == "running"  # the chained history run has not run yet
    jobs = _job_count(platform.engine)
    _evaluate(pipeline_runs_mirror_sensor, platform, resources)
    assert _job_count(platform.engine) == jobs
    assert _pipeline_run(platform.engine, "exec-1").jobs == row.jobs
    assert row.errors is not None and any(enabled[0] in error for error in row.errors)


def _pipeline_run(engine: Engine, run_id: str) -> PipelineRun:
    with session_scope(engine) as session:
        return session.scalars(select(PipelineRun).where(PipelineRun.run_id == run_id)).one()


def _job_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(PipelineJob)) or 0


_SCHEDULE_STATUS = """
from jobboard_assets.definitions import defs
print(defs().resolve_schedule_def("daily_pipeline_schedule").default_status.value)
"""


@pytest.mark.parametrize(
    ("setting", "shown"),
    [(None, "RUNNING"), ("stopped", "STOPPED"), ("Running", "RUNNING"), ("paused", None)],
)
def test_the_schedule_runs_unless_the_deployment_says_stopped(
    setting: str | None, shown: str | None
) -> None:
    """What the UI shows for a schedule nobody toggled, as a code location loads it; a value
    that is neither fails the load with the setting's name."""
    env = {k: v for k, v in os.environ.items() if k != SCHEDULE_STATUS_ENV}
    if setting is not None:
        env[SCHEDULE_STATUS_ENV] = setting
    done = subprocess.run(
        [sys.executable, "-c", _SCHEDULE_STATUS], env=env, capture_output=True, text=True
    )
    if shown is None:
        assert done.returncode != 0
        assert f"{SCHEDULE_STATUS_ENV} must be 'running' or 'stopped', not 'paused'" in done.stderr
    else:
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.split()[-1] == shown
