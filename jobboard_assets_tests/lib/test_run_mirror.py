"""Every way a run ends, through the UI's own GraphQL calls on a real webserver and daemon.

The webserver and `dagster-daemon` run on the platform's instance (embedded SQLite, or
PostgreSQL); the test drives them the way the UI does (launchPipelineExecution, terminateRun,
launchPipelineReexecution with the parent's tags) and reads what the mirror sensor wrote into
pipeline_runs, pipeline_jobs and the contract's views.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from dagster import (
    DagsterRunStatus,
    RunsFilter,
    build_sensor_context,
    execute_job,
    reconstructable,
)
from sqlalchemy import select

from jobboard_assets.definitions import scrape_job
from jobboard_assets.defs.run_records.sensors import pipeline_runs_mirror_sensor
from jobboard_assets.launch.execute import sync_registry
from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.partitions import BOARD_PARTITIONS
from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.resources import WarehouseResource
from jobboard_assets.lib.tags import (
    BACKFILL_TAG,
    CHAIN_METRICS_TAG,
    EXECUTION_TAG,
    PARENT_RUN_TAG,
    TRIGGER_TAG,
)
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import PipelineJob
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets_tests.conftest import ON_POSTGRES, ON_SQLITE
from jobboard_assets_tests.dagster_ui import RUN_STATUS, dagster_webserver
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.support import (
    BIN,
    REPO,
    dagster_daemon,
    launch_scrape,
    pause_env,
    process_env,
    resume,
    wait_for,
    wait_until_paused,
)

# Daemon-driven: each wait has its own limit; the whole test gets more than the default 300 s
# on a slow shared machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
TODAY = datetime.now(UTC).date()


def _tags(execution_id: str, boards: list[str], day: date) -> dict[str, str]:
    """What the schedule and Run Now put on a day's scrape run."""
    return {
        **board_range_tags(boards, day, day),
        EXECUTION_TAG: execution_id,
        TRIGGER_TAG: "schedule",
        CHAIN_METRICS_TAG: "true",
    }


def _execution(platform: Platform, execution_id: str) -> dict[str, Any] | None:
    with session_scope(platform.engine) as session:
        return pipeline_queries.get_pipeline_run(session, execution_id)


def _settled(
    platform: Platform, execution_id: str, status: str, runs: int = 0, including: str = ""
) -> dict[str, Any]:
    """The execution once the mirror shows it `status` with `runs` Dagster runs (any number if
    0), among them the run `including` (if given)."""

    def probe() -> dict[str, Any] | None:
        row = _execution(platform, execution_id)
        if (
            row
            and row["status"] == status
            and (not runs or len(row["dagsterRunIds"]) == runs)
            and (not including or including in row["dagsterRunIds"])
        ):
            return row
        return None

    try:
        return wait_for(
            f"{execution_id} to be mirrored as {status}", probe, timeout=240, interval=1
        )
    except AssertionError as error:
        raise AssertionError(f"{error}: {_execution(platform, execution_id)}") from None


def _job_rows(platform: Platform, execution_id: str) -> list[PipelineJob]:
    with session_scope(platform.engine) as session:
        return list(
            session.scalars(select(PipelineJob).where(PipelineJob.pipeline_run_id == execution_id))
        )


@ON_POSTGRES  # the production instance; the embedded one is driven from the UI by the retry test
def test_ui_launch_cancel_reexecute_are_mirrored(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    failing, paused = enabled[0], enabled[-1]
    boards = enabled[:-1]  # the paused board is scraped only by the run cancelled mid-flight
    pause_dir = tmp_path / "pause"
    env = process_env(platform, tmp_path, **pause_env(paused, pause_dir))
    platform.server.set_fault(failing, "http_500")

    with dagster_webserver(env, tmp_path / "webserver.log") as graphql:
        # 1. Cancelled in the queue, before any daemon launched it: a run that never started.
        queued = graphql.launch(_tags("ui-queued", boards, TODAY))
        graphql.terminate(queued)
        assert graphql.status(queued) == "CANCELED"

        with dagster_daemon(env, tmp_path / "daemon.log"):
            cancelled = _settled(platform, "ui-queued", "failed", runs=1)
            assert cancelled["endTime"] is not None
            # The reason once, in words, then the board-days left as a count and examples.
            reason, unapplied = cancelled["errors"]
            assert reason.startswith(f"run {queued[:8]} was cancelled on {TODAY}")
            assert "(Terminate in the Dagster UI), in the run queue, before it started" in reason
            assert unapplied.startswith(f"{len(boards)} board-day(s) not applied: ")
            assert unapplied.endswith(f"and {len(boards) - 3} more")
            assert {job["status"] for job in cancelled["jobs"]} == {"failed"}

            # 2. A board fails, in a run launched as the UI's launchpad does: the partition range
            # and nothing of ours. It is its own execution, partial.
            parent = graphql.launch(board_range_tags(boards, TODAY, TODAY))
            day = f"dagster-{parent}"
            partial = _settled(platform, day, "partial", runs=1)
            assert any(failing in error and "500" in error for error in partial["errors"])
            scrapes = [job for job in partial["jobs"] if job["jobType"] == "scrape"]
            assert len(scrapes) == len(boards)
            assert [job["board"] for job in scrapes if job["status"] == "failed"] == [failing]

            # 3. The board is fixed; "Re-execute from failure" in the UI: Dagster names the
            # parent as the root run, so the re-execution repairs the same execution.
            platform.server.clear_faults(failing)
            child = graphql.reexecute_from_failure(parent)
            repaired = _settled(platform, day, "completed", runs=2)
            assert _execution(platform, f"dagster-{child}") is None
            assert repaired["errors"] == []
            scrapes = [job for job in repaired["jobs"] if job["jobType"] == "scrape"]
            assert sorted(job["board"] for job in scrapes) == sorted(boards)  # each once
            assert {job["status"] for job in repaired["jobs"]} == {"completed"}
            assert repaired["totalJobs"] == repaired["completedJobs"] == len(repaired["jobs"])
            assert child in repaired["dagsterRunIds"]
            child_tags = {
                t["key"]: t["value"] for t in graphql(RUN_STATUS, runId=child)["runOrError"]["tags"]
            }
            assert child_tags[PARENT_RUN_TAG] == parent and EXECUTION_TAG not in child_tags
            rows = _job_rows(platform, day)
            assert len(rows) == repaired["totalJobs"]
            assert {row.status for row in rows} == {"completed"}
            assert {row.error for row in rows} == {None}
            # The duration is the time the two runs worked, not the wait for the repair.
            span = datetime.fromisoformat(repaired["endTime"]) - datetime.fromisoformat(
                repaired["startTime"]
            )
            assert repaired["durationSeconds"] < span.total_seconds() - 1

            # 4. Cancelled while it runs (stopped inside a board-day's transaction).
            running = graphql.launch(_tags("ui-running", [paused], TODAY))
            wait_until_paused(pause_dir)
            graphql.terminate(running)
            resume(pause_dir)
            stopped = _settled(platform, "ui-running", "failed", runs=1)
            assert stopped["endTime"] is not None
            reason, unapplied = stopped["errors"]
            assert reason.startswith(f"run {running[:8]} was cancelled on {TODAY}")
            assert reason.endswith("(Terminate in the Dagster UI), while it ran")
            assert unapplied == f"1 board-day(s) not applied: {paused}|{TODAY}"
            assert not any("Interrupted" in (job["error"] or "") for job in stopped["jobs"])

    with session_scope(platform.engine) as session:
        stats = pipeline_queries.pipeline_stats(session)
        schedule = pipeline_queries.pipeline_schedule(session)
        job_stats = {row["job_type"]: row for row in pipeline_queries.pipeline_job_stats(session)}
    assert (stats["total_runs"], stats["successful_runs"], stats["failed_runs"]) == (3, 1, 2)
    assert stats["partial_runs"] == 0
    assert sum(row["runs_per_day"] for row in schedule) == 3
    assert sum(row["successful"] for row in schedule) == 1
    # Every board-day of the repaired day counts once, completed; the cancelled ones failed.
    assert job_stats["scrape"]["completed"] == len(boards)
    assert job_stats["scrape"]["failed"] == len(boards) + 1


@ON_SQLITE
def test_a_day_of_scrape_left_in_the_queue_is_failed_with_the_reason(
    jobboard_platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No daemon: the run waits in the queue; past the queue timeout the mirror fails it."""
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    env = process_env(platform, tmp_path)
    launch_scrape(env, enabled, TODAY, "queued-day")  # a backfill-like run: no chain tag
    tags = _tags("queued-today", enabled, TODAY)
    subprocess.run(
        [str(BIN / "dagster"), "job", "launch", "-j", "scrape_boards", "-w", "workspace.yaml"]
        + ["--tags", json.dumps(tags)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    monkeypatch.setenv("JOBBOARD_QUEUE_TIMEOUT_SECONDS", "0")
    resources = {"warehouse": WarehouseResource(database_url=platform.warehouse_url)}
    with build_sensor_context(instance=platform.instance, resources=resources) as context:
        pipeline_runs_mirror_sensor(context)

    (stale,) = platform.instance.get_runs(RunsFilter(tags={EXECUTION_TAG: "queued-today"}))
    (backfill,) = platform.instance.get_runs(RunsFilter(tags={EXECUTION_TAG: "queued-day"}))
    assert stale.status == DagsterRunStatus.FAILURE
    assert backfill.status == DagsterRunStatus.QUEUED  # only day-of runs time out
    row = _execution(platform, "queued-today")
    assert row is not None and row["status"] == "failed" and row["endTime"] is not None
    assert any("in the run queue" in error for error in row["errors"])
    assert {job["status"] for job in row["jobs"]} == {"failed"}
    queued = _execution(platform, "queued-day")
    assert queued is not None and queued["status"] == "running"


@ON_SQLITE
def test_a_board_partition_not_in_the_registry_fails_with_a_clear_message(
    jobboard_platform: Platform,
) -> None:
    """What "Add partition" in the UI's board picker creates: a partition no board backs."""
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    platform.instance.add_dynamic_partitions(BOARD_PARTITIONS, ["made-up-board"])
    result = execute_job(
        reconstructable(scrape_job),
        instance=platform.instance,
        tags={
            **board_range_tags([enabled[-1], "made-up-board"], TODAY, TODAY),
            EXECUTION_TAG: "ghost",
        },
        raise_on_error=False,
    )
    assert not result.success
    (row,) = run_mirror.mirror_executions(platform.instance, platform.engine, ["ghost"])
    (ghost,) = [job for job in row["jobs"] if job["board"] == "made-up-board"]
    assert ghost["status"] == "failed"
    assert "no such board in the registry" in ghost["error"]
    real = [
        job for job in row["jobs"] if job["board"] == enabled[-1] and job["jobType"] == "scrape"
    ]
    assert [job["status"] for job in real] == ["completed"]


@ON_SQLITE
def test_dagster_run_retries_and_a_ui_backfill_rerun_repair_their_executions(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    """Dagster's run retries, then "Re-execute from failure" on a UI backfill's failed run: both
    copy the parent's tags (execution, backfill) and repair the same execution.

    One daemon and webserver for both scenarios keeps the test's start-up cost paid once.
    """
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    flaky, failing = enabled[0], enabled[1]
    backfilled = enabled[1:4]  # a run per partition: three keep the test short
    # Every request of the first run's fetch (1 + 4 retries) fails; the retry run's succeeds.
    platform.server.set_fault(flaky, "http_503_then_ok", count=5)
    with (platform.home / "dagster.yaml").open("a") as instance_yaml:
        instance_yaml.write("run_retries:\n  enabled: true\n")
    env = process_env(platform, tmp_path)
    with (
        dagster_webserver(env, tmp_path / "webserver.log") as graphql,
        dagster_daemon(env, tmp_path / "daemon.log"),
    ):
        graphql.launch({**_tags("retried", enabled, TODAY), "dagster/max_retries": "1"})
        retried = _settled(platform, "retried", "completed", runs=4)

        platform.server.set_fault(failing, "http_500")
        backfill_id = graphql.backfill(
            ["board_postings", "raw_data_snapshots"], [f"{slug}|{TODAY}" for slug in backfilled]
        )
        backfill = f"backfill-{backfill_id}"
        partial = wait_for(
            "the backfill to be mirrored as partial",
            lambda: (row := _execution(platform, backfill)) and row["status"] == "partial" and row,
            timeout=240,
            interval=1,
        )
        assert any(failing in error for error in partial["errors"])
        backfill_runs = platform.instance.get_runs(
            RunsFilter(tags={"dagster/backfill": backfill_id})
        )
        (failed_run,) = [run for run in backfill_runs if run.status == DagsterRunStatus.FAILURE]
        platform.server.clear_faults(failing)
        rerun = graphql.reexecute_from_failure(failed_run.run_id)
        # The backfill daemon may still be submitting partitions when the mirror first shows the
        # failure, so the execution is awaited by its re-execution, not by a run count.
        repaired = _settled(platform, backfill, "completed", including=rerun)

        # A backfill's run cancelled while its board answers slowly, then "Re-execute all":
        # the UI does not copy the backfill's tag; Dagster's root run id puts the re-execution
        # in the backfill.
        slow = enabled[-1]
        platform.server.set_fault(slow, "timeout", seconds=120)
        cancelled_id = graphql.backfill(
            ["board_postings", "raw_data_snapshots"], [f"{slow}|{TODAY}"]
        )
        (queued,) = wait_for(
            "the backfill's run to start",
            lambda: [
                run
                for run in platform.instance.get_runs(RunsFilter(tags={BACKFILL_TAG: cancelled_id}))
                if run.status == DagsterRunStatus.STARTED
            ],
            timeout=120,
            interval=0.5,
        )
        graphql.terminate(queued.run_id)
        platform.server.clear_faults(slow)
        cancelled = f"backfill-{cancelled_id}"
        _settled(platform, cancelled, "failed", runs=1)
        again = graphql.reexecute(queued.run_id, "ALL_STEPS")
        rerun_all = _settled(platform, cancelled, "completed", runs=2, including=again)
        assert _execution(platform, f"dagster-{again}") is None
        assert rerun_all["errors"] == [] and rerun_all["trigger"] == "backfill"

    backfill_runs = platform.instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill_id}))
    assert sorted(repaired["dagsterRunIds"]) == sorted(run.run_id for run in backfill_runs)

    runs = platform.instance.get_runs(RunsFilter(tags={EXECUTION_TAG: "retried"}))
    (retry,) = [run for run in runs if run.tags.get("dagster/retry_number") == "1"]
    (first,) = [run for run in runs if run.run_id == retry.tags[PARENT_RUN_TAG]]
    assert first.status == DagsterRunStatus.FAILURE
    for execution_id, row, boards in (
        ("retried", retried, enabled),
        (backfill, repaired, backfilled),
    ):
        assert row["errors"] == [], execution_id
        scrapes = [job for job in row["jobs"] if job["jobType"] == "scrape"]
        assert sorted(job["board"] for job in scrapes) == sorted(boards), execution_id
        assert {job["status"] for job in row["jobs"]} == {"completed"}, execution_id
        assert len(_job_rows(platform, execution_id)) == row["totalJobs"], execution_id
    assert {job["dagsterRunId"] for job in retried["jobs"] if job["jobType"] == "scrape"} == {
        retry.run_id
    }
    assert repaired["trigger"] == "backfill"


@pytest.mark.parametrize(
    ("spans", "worked"),
    [
        ([(0.0, 25.0), (900.0, 910.0)], 35.0),  # a failed day repaired 15 minutes later
        ([(0.0, 10.0), (5.0, 20.0), (20.0, 30.0)], 30.0),  # overlapping and touching runs
        ([(10.0, 12.0), (0.0, 30.0)], 30.0),  # one inside another
        ([], 0.0),
    ],
)
def test_an_executions_duration_is_the_time_its_runs_worked(
    spans: list[tuple[float, float]], worked: float
) -> None:
    assert run_mirror.worked_seconds(spans) == worked
