"""Scale-out: one simulated day scraped as one shard per host on two real Celery workers.

The boards sit behind two hosts (the simulator on 127.0.0.1 and on 127.0.0.2), the broker is the
RabbitMQ (or Redis) of this machine, the workers are two `dagster-celery worker start` processes.
The warehouse must come out exactly as the in-process run leaves it, each host's shard must have
run on a worker of its own, and the run mirror must record one pipeline execution.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from dagster import DagsterEventType
from kombu.utils.url import url_to_parts
from sqlalchemy import Engine, select

from jobboard_assets.api.run_routes import request_run
from jobboard_assets.celery_workers import celery_workers, executor_config, write_config
from jobboard_assets.config import CELERY_CONFIG_ENV
from jobboard_assets.defs.scrape.shards import shard_name
from jobboard_assets.launch.execute import ExecutionRequest, run_execution, sync_registry
from jobboard_assets.lib.tags import TRIGGER_TAG
from jobboard_assets.sim.server import SimServer
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.models import (
    EfficiencyScore,
    JobPosting,
    PipelineRun,
    PostingEvent,
    RawDataSnapshot,
)
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets_tests.conftest import ON_POSTGRES, fresh_warehouse_url
from jobboard_assets_tests.platform import Platform, backend_of
from jobboard_assets_tests.reliability.support import (
    BIN,
    dagster_daemon,
    process_env,
    runs_of,
    wait_for,
)

DAY = date(2026, 2, 2)
SECOND_HOST = "127.0.0.2"
pytestmark = pytest.mark.slow


def _broker_or_skip() -> str:
    """The broker URL, if it answers; `.ci/run` starts it and sets JOBBOARD_REQUIRE_BROKER=1."""
    broker = executor_config("probe")["broker"]
    parts = url_to_parts(broker)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5672), timeout=2):
            return broker
    except OSError:
        message = f"no Celery broker answers at {broker} (JOBBOARD_CELERY_BROKER)"
        if os.environ.get("JOBBOARD_REQUIRE_BROKER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def two_hosts(jobboard_platform: Platform) -> Iterator[tuple[Platform, SimServer]]:
    """The platform with every other board moved to a second host (same market, same data)."""
    with SimServer(jobboard_platform.market, host=SECOND_HOST) as second:
        moved = [
            dataclasses.replace(
                board,
                url=board.url.replace(urlsplit(board.url).netloc, urlsplit(second.base_url).netloc),
            )
            if index % 2
            else board
            for index, board in enumerate(jobboard_platform.registry)
        ]
        yield dataclasses.replace(jobboard_platform, registry=moved), second


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """What a day leaves in the warehouse, without surrogate ids and wall-clock timestamps."""
    skip = {"id", "created_at", "updated_at", "job_posting_id", "repost_cluster_id"}

    def values(row: Any, model: Any) -> tuple[Any, ...]:
        return tuple(
            (column.key, repr(getattr(row, column.key)))
            for column in model.__table__.columns
            if column.key not in skip
        )

    with session_scope(engine) as session:
        tables = {
            model.__tablename__: sorted(
                values(row, model) for row in session.scalars(select(model))
            )
            for model in (JobPosting, RawDataSnapshot, EfficiencyScore)
        }
        tables["posting_events"] = sorted(
            session.execute(
                select(
                    JobPosting.job_board_id,
                    JobPosting.external_id,
                    PostingEvent.event_type,
                    PostingEvent.event_date,
                ).join(JobPosting, JobPosting.id == PostingEvent.job_posting_id)
            ).all()
        )
    return tables


def test_a_day_sharded_on_two_celery_workers_equals_the_in_process_day(
    two_hosts: tuple[Platform, SimServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform, second = two_hosts
    broker = _broker_or_skip()
    in_process = platform.run(DAY)
    assert in_process["status"] == "completed", in_process["errors"]
    hosts = {urlsplit(board.url).netloc for board in platform.registry}
    assert len(hosts) == 2

    backend = backend_of(platform.warehouse_url)
    with fresh_warehouse_url(backend, tmp_path / "sharded.db") as sharded_url:
        sharded = make_engine(sharded_url)
        migrate.upgrade(sharded)
        monkeypatch.setenv("JOBBOARD_DATABASE_URL", sharded_url)  # the orchestrating process
        env = {**os.environ, "DAGSTER_HOME": str(platform.home)}  # the workers, the same
        config = executor_config(f"jobboard-test-{uuid.uuid4().hex[:8]}", broker)
        names = [f"shard{index}-{uuid.uuid4().hex[:6]}" for index in (1, 2)]
        with celery_workers(config, names, tmp_path, env) as workers:

            def sharded_day(day: date, execution_id: str) -> dict[str, Any]:
                request = ExecutionRequest(
                    first_day=day, last_day=day, execution_id=execution_id, celery=config
                )
                return run_execution(platform.instance, sharded, platform.registry, request)

            row = sharded_day(DAY, "sharded")
            warehouse_after_day = _rows(sharded)
            # The next day a board on each host sends garbage: each shard fails its own board.
            broken = [board.slug for board in platform.registry[:2]]
            platform.server.set_fault(broken[0], "malformed")
            second.set_fault(broken[1], "malformed")
            next_day = sharded_day(DAY + timedelta(days=1), "sharded-partial")
        try:
            assert row["status"] == "completed", row["errors"]
            assert warehouse_after_day == _rows(platform.engine)

            # One pipeline execution: the sharded scrape run and the history run, mirrored once,
            # with the same scrape + normalize jobs per board as the in-process execution.
            with session_scope(sharded) as session:
                mirrored = session.scalars(select(PipelineRun).order_by(PipelineRun.run_id)).all()
            assert [run.run_id for run in mirrored] == ["sharded", "sharded-partial"]
            assert len(mirrored[0].dagster_run_ids) == 2
            assert sorted((job["jobType"], job["board"]) for job in row["jobs"]) == sorted(
                (job["jobType"], job["board"]) for job in in_process["jobs"]
            )

            # Each host's shard ran as its own step, on a worker of its own.
            scrape_run = next(
                run
                for run_id in row["dagster_run_ids"]
                if (run := platform.instance.get_run_by_id(run_id)) is not None
                and run.job_name == "scrape_boards_sharded"
            )
            workers_by_step = {
                event.step_key: data.metadata["Celery worker"].value
                for event in platform.instance.all_logs(
                    scrape_run.run_id, of_type=DagsterEventType.ENGINE_EVENT
                )
                if event.dagster_event is not None
                and "Celery worker" in (data := event.dagster_event.engine_event_data).metadata
            }
            shard_steps = {f"scrape_shard[{shard_name(host)}]" for host in hosts}
            assert shard_steps <= set(workers_by_step)
            assert {workers_by_step[step] for step in shard_steps} == set(workers.nodes)

            assert next_day["status"] == "partial"
            failed = {job["board"] for job in next_day["jobs"] if job["status"] == "failed"}
            assert failed == set(broken)
            assert all(any(slug in error for error in next_day["errors"]) for slug in broken)
            applied = [job for job in next_day["jobs"] if job["jobType"] == "scrape"]
            assert sum(job["status"] == "completed" for job in applied) == len(applied) - 2
        finally:
            sharded.dispose()


@ON_POSTGRES  # a deployment setting, blind to the backend; the sharded day runs on both above
def test_the_deployment_setting_puts_run_now_the_schedule_and_the_cli_on_the_shards(
    two_hosts: tuple[Platform, SimServer], tmp_path: Path
) -> None:
    """JOBBOARD_CELERY_CONFIG set, no flag anywhere: a Run Now request launched by a real daemon
    scrapes on the two workers and its history run follows; the schedule's definition targets
    the sharded job with the workers' config; `jobboard run` scrapes on them too."""
    platform, _second = two_hosts
    broker = _broker_or_skip()
    config = executor_config(f"jobboard-test-{uuid.uuid4().hex[:8]}", broker)
    celery_yaml = write_config(tmp_path / "deployment-celery.yaml", config)
    sync_registry(platform.instance, platform.engine, platform.registry)
    env = process_env(platform, tmp_path, **{CELERY_CONFIG_ENV: str(celery_yaml)})
    names = [f"deploy{index}-{uuid.uuid4().hex[:6]}" for index in (1, 2)]
    with (
        celery_workers(config, names, tmp_path, env) as workers,
        dagster_daemon(env, tmp_path / "daemon.log"),
    ):
        requested = request_run(platform.engine, per_minute=1)["runId"]
        row = wait_for(
            "the Run Now execution to complete",
            lambda: (
                (found := _execution(platform, requested))
                and found["status"] != "running"
                and found
            ),
            timeout=240,
            interval=1,
        )
        assert row["status"] == "completed", row["errors"]
        runs = {run.job_name: run for run in runs_of(platform, requested)}
        assert set(runs) == {"scrape_boards_sharded", "daily_history"}
        assert set(_workers_of(platform, runs["scrape_boards_sharded"].run_id)) == set(
            workers.nodes
        )

        try:
            cli = subprocess.run(
                [BIN / "jobboard", "run", "--date", DAY.isoformat()],
                env=env,
                capture_output=True,
                text=True,
                timeout=240,
            )
        except subprocess.TimeoutExpired as timed_out:  # say where it hung (seen under load)
            raise AssertionError(
                f"jobboard run did not finish:\n{_decoded(timed_out.stdout)[-3000:]}"
                f"\n{_decoded(timed_out.stderr)[-3000:]}"
            ) from None
        assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-2000:]
        (cli_run,) = [
            run
            for run in platform.instance.get_runs()
            if run.tags.get(TRIGGER_TAG) == "cli" and run.job_name == "scrape_boards_sharded"
        ]
        assert set(_workers_of(platform, cli_run.run_id)) <= set(workers.nodes)

    schedule = subprocess.run(
        [sys.executable, "-c", _SCHEDULE_TARGET],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    job_name, run_config = json.loads(schedule.stdout.splitlines()[-1])
    assert job_name == "scrape_boards_sharded"
    assert run_config == {"execution": {"config": config}}


_SCHEDULE_TARGET = """
import json
from datetime import UTC, datetime
from dagster import DagsterInstance, build_schedule_context
from jobboard_assets.definitions import defs
schedule = defs().resolve_schedule_def("daily_pipeline_schedule")
tick = datetime(2026, 2, 3, 2, tzinfo=UTC)
with DagsterInstance.get() as instance:
    context = build_schedule_context(instance, scheduled_execution_time=tick)
    (request,) = schedule.evaluate_tick(context).run_requests
print(json.dumps([schedule.job_name, request.run_config]))
"""
"""The schedule's job and its RunRequest's run config, as a code location loads them."""


def _decoded(output: bytes | str | None) -> str:
    """What a timed-out child wrote (bytes on POSIX, whatever `text=` asked for)."""
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def _execution(platform: Platform, execution_id: str) -> dict[str, Any] | None:
    with session_scope(platform.engine) as session:
        return pipeline_queries.get_pipeline_run(session, execution_id)


def _workers_of(platform: Platform, run_id: str) -> list[str]:
    """The Celery worker of each shard step of a run (its engine events name it)."""
    return [
        str(data.metadata["Celery worker"].value)
        for event in platform.instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT)
        if event.dagster_event is not None
        and "Celery worker" in (data := event.dagster_event.engine_event_data).metadata
    ]
