"""The same board-days written by several processes at once are applied once.

Two guards, both exercised with real processes: Dagster's `board_writes` pool (limit 1 in every
instance yaml) runs one scrape step at a time on an instance, and `lock_board` (the first
statement of every board-day transaction) serializes writers the pool cannot see, such as a
second Dagster instance on the same warehouse: PostgreSQL makes them wait on the board's row
lock, SQLite on its single write lock.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    RunsFilter,
)
from sqlalchemy import Engine, text

from jobboard_assets.defs.scrape.assets import BOARD_POSTINGS
from jobboard_assets.launch.execute import sync_registry
from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.partitions import board_day_key
from jobboard_assets.lib.run_mirror import SCRAPE_STEP
from jobboard_assets.lib.tags import BACKFILL_TAG, PARTITION_TAG
from jobboard_assets_tests.platform import Platform, backend_of
from jobboard_assets_tests.reliability.state import CleanReference, board_states, day
from jobboard_assets_tests.reliability.support import (
    Spawner,
    dagster_cli,
    dagster_daemon,
    finish,
    pause_env,
    process_env,
    resume,
    wait_for,
    wait_until_paused,
)

pytestmark = pytest.mark.slow
EXIT_COMPLETED = 0
BACKFILL_RUNS = 4
BLOCKED_BY_POOL = "Step blocked by limit for pool board_writes"
"""Dagster's engine event for a step waiting for a pool slot."""


def test_three_writers_of_the_same_day_apply_it_once(
    day_one: Platform, reference: CleanReference, spawner: Spawner, tmp_path: Path
) -> None:
    """`jobboard run --date D` three times at once: the first pauses inside a board-day's
    transaction, the second (same instance) must wait for the pool, the third (another Dagster
    instance, another pool) must wait for the board's lock. All complete; the day counts once."""
    victim = day_one.registry[2].slug
    pause = tmp_path / "pause"
    other_home = tmp_path / "other_dagster_home"
    other_home.mkdir()
    (other_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    logs = {name: tmp_path / f"{name}.log" for name in ("holder", "same", "other")}
    envs = {
        "holder": process_env(day_one, tmp_path, **pause_env(victim, pause)),
        "same": process_env(day_one, tmp_path),
        "other": process_env(day_one, tmp_path, DAGSTER_HOME=str(other_home)),
    }
    holder = spawner.jobboard_run(day(2), envs["holder"], logs["holder"])
    wait_until_paused(pause)
    writers = {
        name: spawner.jobboard_run(day(2), envs[name], logs[name]) for name in ("same", "other")
    }

    with DagsterInstance.from_config(str(other_home)) as other:
        wait_for("the same-instance run to wait for the pool", lambda: _blocked(day_one), 120)
        wait_for("the other instance's scrape step", lambda: _scrape_started(other), 120)
        if backend_of(day_one.warehouse_url) == "postgres":
            wait_for("it to wait on the board's row lock", lambda: _lock_waits(day_one.engine), 60)
        else:  # one write lock for the whole file: give it time to reach it, it applies nothing
            time.sleep(2)
            assert _materialized(other, "") == []
        assert _materialized(other, victim) == []
        resumed = time.time()
        resume(pause)
        for name, process in {"holder": holder, **writers}.items():
            assert finish(process, logs[name]) == EXIT_COMPLETED, logs[name].read_text()[-2000:]
        assert min(_materialized(other, victim)) >= resumed

    assert board_states(day_one.engine) == reference.after(day(2))
    scrape_runs = day_one.instance.get_runs(RunsFilter(job_name="scrape_boards"))
    assert len(scrape_runs) == 3  # day 1, then the holder's and the same-instance run's
    assert_one_at_a_time(scrape_windows(day_one.instance, [run.run_id for run in scrape_runs]))


def scrape_windows(instance: DagsterInstance, run_ids: list[str]) -> list[tuple[float, float]]:
    """(start, end) of each run's scrape step, in start order."""
    windows = []
    for run_id in run_ids:
        events = instance.all_logs(
            run_id,
            of_type={
                DagsterEventType.STEP_START,
                DagsterEventType.STEP_SUCCESS,
                DagsterEventType.STEP_FAILURE,
            },
        )
        times = [event.timestamp for event in events if event.step_key == SCRAPE_STEP]
        assert len(times) == 2, (run_id, times)
        windows.append((times[0], times[1]))
    return sorted(windows)


def assert_one_at_a_time(windows: list[tuple[float, float]]) -> None:
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start >= end, windows


def _blocked(platform: Platform) -> bool:
    return any(
        event.message.startswith(BLOCKED_BY_POOL)
        for run in platform.instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTED]))
        for event in platform.instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT)
    )


def _scrape_started(instance: DagsterInstance) -> bool:
    return any(
        event.step_key == SCRAPE_STEP
        for run in instance.get_runs()
        for event in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
    )


def _materialized(instance: DagsterInstance, slug: str) -> list[float]:
    """When the instance materialized board_postings of boards whose slug contains `slug`."""
    return [
        event.timestamp
        for run in instance.get_runs()
        for event in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
        if event.asset_materialization
        and event.asset_materialization.asset_key == BOARD_POSTINGS
        and slug in str(event.asset_materialization.partition)
    ]


def _lock_waits(engine: Engine) -> bool:
    """A session waits for a lock to run lock_board's UPDATE of job_boards."""
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query ILIKE 'UPDATE job_boards%'"
                )
            ).scalar()
        )


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_backfill_of_single_board_runs_completes_one_scrape_at_a_time(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    """`dagster job backfill` launches one run per board-day (a 33-board day is 33 runs); with
    the pool at 1 they wait for each other's slot and all complete: no deadlock, no starvation.
    Four runs show it; each waits for the slot before its worker starts, ~3 s apiece here."""
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    partitions = sorted(str(board_day_key(slug, day(1))) for slug in enabled[:BACKFILL_RUNS])
    env = process_env(platform, tmp_path)
    with dagster_daemon(env, tmp_path / "daemon.log"):
        dagster_cli(
            "job", "backfill", "-j", "scrape_boards", "--noprompt",
            "--partitions", ",".join(partitions), env=env,
        )  # fmt: skip
        (backfill,) = platform.instance.get_backfills()

        def finished() -> list[DagsterRun] | None:
            runs = platform.instance.get_runs(RunsFilter(tags={BACKFILL_TAG: backfill.backfill_id}))
            done = [run for run in runs if run.is_finished]
            return done if len(done) == len(partitions) else None

        runs = wait_for(f"{len(partitions)} backfill runs to finish", finished, 300, interval=1)
    assert {run.status for run in runs} == {DagsterRunStatus.SUCCESS}
    assert sorted(run.tags[PARTITION_TAG] for run in runs) == partitions
    assert_one_at_a_time(scrape_windows(platform.instance, [run.run_id for run in runs]))
    (row,) = run_mirror.mirror_executions(
        platform.instance, platform.engine, [run_mirror.execution_id_of(platform.instance, runs[0])]
    )
    assert row["status"] == "completed", row["errors"]
    assert [job["jobType"] for job in row["jobs"]].count("scrape") == len(partitions)
