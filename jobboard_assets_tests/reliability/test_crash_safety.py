"""Crashes in the middle of writing a board-day: killed processes, a restarted database.

Each test stops one board's day 2 inside its open transaction (postings merged and events
written, snapshot not yet) with the test-only pause of mid_write.py (installed at process start,
not in the production code), then
strikes. Afterwards every board-day is applied fully or not at all, the failure is visible where
an operator looks (the Dagster run, pipeline_runs), and running the day again completes it
exactly as a clean history would have.
"""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path
from typing import Any

import pytest
from dagster import DagsterRunStatus, RunsFilter
from dagster_postgres import PostgresRunStorage
from sqlalchemy.engine import make_url

from jobboard_assets.launch.execute import sync_registry
from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.tags import EXECUTION_TAG, PARENT_RUN_TAG, PROCESS_TAG
from jobboard_assets.warehouse.db import normalize_url, session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets_tests.conftest import ON_POSTGRES, ON_SQLITE, POSTGRES_URL_ENV
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.state import (
    CleanReference,
    board_states,
    day,
    trace_of_day,
)
from jobboard_assets_tests.reliability.support import (
    Spawner,
    dagster_daemon,
    descendants,
    finish,
    launch_scrape,
    pause_env,
    pg_answers,
    postgres_left_running,
    process_env,
    resume,
    runs_of,
    strike_postgres,
    wait_for,
    wait_until_paused,
)

pytestmark = pytest.mark.slow
# Each backend gets a SIGKILL in the middle of a transaction: SQLite where `jobboard run` (the
# embedded default) is killed, PostgreSQL (production) where the daemon's run worker is.
EXIT_COMPLETED = 0
RESTARTED_RUN = "reliability-restarted-run"
"""application_name of the run whose sessions a restart cuts (see support.strike_postgres)."""


def assert_all_or_nothing(platform: Platform, reference: CleanReference, victim: str) -> None:
    """After a crash on day 2: the victim has nothing of it, every other board all or nothing."""
    states = board_states(platform.engine)
    traces = {slug: trace_of_day(state, day(2)) for slug, state in states.items()}
    assert traces[victim] == "absent"
    for slug, trace in traces.items():
        assert states[slug] == reference.after(day(2 if trace == "applied" else 1))[slug], slug


def assert_rerun_heals(platform: Platform, reference: CleanReference) -> None:
    """Day 2 once more: completed, and every board as a clean history has it."""
    rerun = platform.run(day(2))
    assert rerun["status"] == "completed", rerun["errors"]
    assert board_states(platform.engine) == reference.after(day(2))


def scrape_error(row: dict[str, Any], slug: str) -> str:
    """The error of a board's failed scrape job in a pipeline_runs row."""
    (job,) = [j for j in row["jobs"] if j["board"] == slug and j["jobType"] == "scrape"]
    assert job["status"] == "failed", job
    return str(job["error"])


@ON_SQLITE
@pytest.mark.timeout(180)  # a pool slot never freed would make the re-run wait for ever
def test_a_killed_jobboard_run_is_failed_and_released_by_the_next_run(
    day_one: Platform, reference: CleanReference, spawner: Spawner, tmp_path: Path
) -> None:
    """`jobboard run` executes in its own process: nothing but the next execution can notice."""
    victim = day_one.registry[3].slug
    pause = tmp_path / "pause"
    env = process_env(day_one, tmp_path, **pause_env(victim, pause))
    process = spawner.jobboard_run(day(2), env, tmp_path / "run.log")
    assert wait_until_paused(pause) == process.pid
    process.kill()
    process.wait()

    (orphan,) = day_one.instance.get_runs(
        RunsFilter(tags={PROCESS_TAG: f"{socket.gethostname()}:{process.pid}"})
    )
    assert orphan.status == DagsterRunStatus.STARTED  # nobody noticed, and it holds the slot
    assert orphan.run_id in day_one.instance.event_log_storage.get_concurrency_run_ids()
    assert_all_or_nothing(day_one, reference, victim)

    assert_rerun_heals(day_one, reference)
    rerun = day_one.instance.get_run_by_id(orphan.run_id)
    assert rerun is not None and rerun.is_failure
    with session_scope(day_one.engine) as session:
        crashed = pipeline_queries.get_pipeline_run(session, orphan.tags[EXECUTION_TAG])
    assert crashed is not None and crashed["status"] in ("failed", "partial")
    assert f"the jobboard process {process.pid}" in scrape_error(crashed, victim)


@ON_POSTGRES
def test_a_killed_run_worker_is_retried_and_the_day_completes(
    day_one: Platform, reference: CleanReference, tmp_path: Path
) -> None:
    """A run the daemon launched: the code server sees its worker die, run monitoring frees the
    slot, and the instance's run retries re-execute it: the day completes with no operator."""
    enabled = sync_registry(day_one.instance, day_one.engine, day_one.registry)
    victim = enabled[3]
    pause = tmp_path / "pause"
    env = process_env(day_one, tmp_path, **pause_env(victim, pause))
    with dagster_daemon(env, tmp_path / "daemon.log") as daemon:
        launch_scrape(env, enabled, day(2), "crash")
        worker = wait_until_paused(pause)
        assert worker in descendants(daemon.pid)  # the run worker, not the daemon or its server
        os.kill(worker, signal.SIGKILL)
        (run,) = runs_of(day_one, "crash")
        wait_for(
            "Dagster to mark the run failed",
            lambda: (failed := day_one.instance.get_run_by_id(run.run_id)) and failed.is_failure,
            timeout=60,
        )
        wait_for(
            "run monitoring to free the dead run's pool slot",
            lambda: run.run_id not in day_one.instance.event_log_storage.get_concurrency_run_ids(),
            timeout=60,
        )
        retry = wait_for(
            "the run retry to succeed",
            lambda: next(
                (
                    r
                    for r in runs_of(day_one, "crash")
                    if r.tags.get("dagster/retry_number") == "1"
                    and r.status == DagsterRunStatus.SUCCESS
                ),
                None,
            ),
            timeout=180,
            interval=1,
        )
        # The retry repaired the same execution; it completes once the history run the sensor
        # chains after the repaired scrape has run too (the daemon must still be up for that).
        row = wait_for(
            "the execution to complete",
            lambda: next(
                (
                    found
                    for found in run_mirror.mirror_executions(
                        day_one.instance, day_one.engine, ["crash"]
                    )
                    if found["status"] != "running"
                ),
                None,
            ),
            timeout=180,
            interval=2,
        )

    assert retry.tags[PARENT_RUN_TAG] == run.run_id
    assert board_states(day_one.engine) == reference.after(day(2))
    assert row["status"] == "completed", row["errors"]


@ON_POSTGRES
def test_a_postgres_restart_mid_run_is_retried_and_the_day_completes(
    day_one: Platform, reference: CleanReference, spawner: Spawner, tmp_path: Path
) -> None:
    server_url = normalize_url(os.environ[POSTGRES_URL_ENV]).render_as_string(hide_password=False)
    run_storage = day_one.instance.run_storage
    assert isinstance(run_storage, PostgresRunStorage)
    dagster_database = make_url(run_storage.postgres_url).database
    assert dagster_database is not None
    warehouse_url = (
        make_url(day_one.warehouse_url)
        .update_query_dict({"application_name": RESTARTED_RUN})
        .render_as_string(hide_password=False)
    )
    victim = day_one.registry[2].slug
    pause = tmp_path / "pause"
    env = process_env(
        day_one, tmp_path, JOBBOARD_DATABASE_URL=warehouse_url, **pause_env(victim, pause)
    )
    with postgres_left_running(server_url):
        process = spawner.jobboard_run(day(2), env, tmp_path / "run.log")
        wait_until_paused(pause)
        strike_postgres(server_url, RESTARTED_RUN, dagster_database)
        wait_for("PostgreSQL to answer", lambda: pg_answers(server_url), timeout=60)
        resume(pause)
        exit_code = finish(process, tmp_path / "run.log")

    # The board-day in flight met the restart, rolled back, and was applied again
    # (`retry_transient`): the day completes with nothing for the operator to do.
    assert exit_code == EXIT_COMPLETED, (tmp_path / "run.log").read_text()[-3000:]
    assert "Retrying" in (tmp_path / "run.log").read_text()
    assert board_states(day_one.engine) == reference.after(day(2))
    with session_scope(day_one.engine) as session:
        (row,) = pipeline_queries.run_history(session, 1)
    assert row["status"] == "completed", row["errors"]
