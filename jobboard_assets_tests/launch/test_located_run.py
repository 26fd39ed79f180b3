"""Runs of `jobboard run` carry the code location's origin, so the UI re-executes them.

The contract with the Dagster internals `launch/located_run.py` looks up (each by name, so an
upgrade that moves one fails here), then the whole path on a real webserver and daemon: a day
run by `jobboard run` with one board failing, the board fixed, "Re-execute from failure" through
the UI's own GraphQL call, and the day's one `pipeline_runs` row completed.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster import DagsterInstance, reconstructable

from jobboard_assets import definitions
from jobboard_assets.definitions import history_job
from jobboard_assets.launch import located_run
from jobboard_assets.lib.names import CODE_LOCATION, REPOSITORY, SCRAPE_JOB
from jobboard_assets.lib.ranges import day_range_tags
from jobboard_assets.lib.tags import EXECUTION_TAG, PARENT_RUN_TAG, ROOT_RUN_TAG
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets_tests.conftest import ON_SQLITE
from jobboard_assets_tests.dagster_ui import dagster_webserver
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.support import (
    REPO,
    dagster_daemon,
    process_env,
    wait_for,
)

TODAY = datetime.now(UTC).date()


@pytest.mark.parametrize(
    "location",
    [located_run.EXECUTE_RUN, located_run.REPOSITORY_ORIGIN, located_run.LOCATION_ORIGIN],
)
def test_the_internals_are_where_we_look_them_up(location: tuple[str, str]) -> None:
    module, name = location
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"


def test_the_origin_names_the_location_the_webserver_and_daemon_load() -> None:
    (entry,) = yaml.safe_load((REPO / "workspace.yaml").read_text())["load_from"]
    assert entry["python_module"]["location_name"] == CODE_LOCATION
    assert definitions.defs().get_repository_def().name == REPOSITORY
    origin = located_run.job_origin("daily_history")
    assert origin.job_name == "daily_history"
    assert origin.repository_origin.repository_name == REPOSITORY
    assert origin.repository_origin.code_location_origin.location_name == CODE_LOCATION


def test_a_located_run_executes_here_with_its_origin(tmp_path: Path) -> None:
    """An empty warehouse: the history run has nothing to do, and succeeds."""
    with DagsterInstance.ephemeral() as instance:
        result = located_run.execute_located_job(
            reconstructable(history_job),
            instance,
            {},
            {**day_range_tags(TODAY, TODAY), EXECUTION_TAG: "x"},
        )
        run = instance.get_run_by_id(result.run_id)
    assert run is not None and run.remote_job_origin is not None
    assert run.remote_job_origin.job_name == "daily_history"
    assert run.job_code_origin is not None  # reconstructable in a run worker, as before
    assert run.tags[EXECUTION_TAG] == "x"


@pytest.mark.slow
@pytest.mark.timeout(600)
@ON_SQLITE  # the UI's re-execution is the same on both; the mirror's PostgreSQL path is tested
# by the UI launch/cancel test
def test_a_jobboard_run_day_is_repaired_from_the_ui(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    platform = jobboard_platform
    failing = platform.registry[0].slug
    platform.server.set_fault(failing, "http_500")
    day = platform.run(TODAY)  # `jobboard run`
    assert day["status"] == "partial"
    execution = day["run_id"]
    (scrape,) = [
        run
        for run_id in day["dagster_run_ids"]
        if (run := platform.instance.get_run_by_id(run_id)) and run.job_name == SCRAPE_JOB
    ]

    platform.server.clear_faults(failing)
    env = process_env(platform, tmp_path)
    with (
        dagster_webserver(env, tmp_path / "webserver.log") as graphql,
        dagster_daemon(env, tmp_path / "daemon.log"),
    ):
        child = graphql.reexecute_from_failure(scrape.run_id)

        def repaired() -> dict[str, Any] | None:
            with session_scope(platform.engine) as session:
                row = pipeline_queries.get_pipeline_run(session, execution)
            done = row and row["status"] != "running" and child in row["dagsterRunIds"]
            return row if done else None

        row = wait_for("the re-execution to be mirrored", repaired, timeout=300, interval=1)
    rerun = platform.instance.get_run_by_id(child)
    assert rerun is not None
    assert (rerun.tags[PARENT_RUN_TAG], rerun.tags[ROOT_RUN_TAG]) == (scrape.run_id,) * 2
    assert row["status"] == "completed", row["errors"]
    # The repaired board-day's history was recomputed: a history run after the re-execution.
    runs = [platform.instance.get_run_by_id(run_id) for run_id in row["dagsterRunIds"]]
    assert [run.job_name for run in runs if run] == [SCRAPE_JOB, "daily_history"] * 2
    assert row["errors"] == []
    with session_scope(platform.engine) as session:
        history = pipeline_queries.run_history(session, 100)
    assert [run["runId"] for run in history] == [execution]  # one row for the day
    scrapes = [job for job in row["jobs"] if job["jobType"] == "scrape"]
    assert sorted(job["board"] for job in scrapes) == sorted(b.slug for b in platform.registry)
    assert {job["status"] for job in row["jobs"]} == {"completed"}
