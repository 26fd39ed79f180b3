"""A real dagster-daemon against a temporary instance: queue, sensors and the mirror together.

A scrape run is submitted to the run queue (as the UI's Materialize button does); the daemon
launches it, the history sensor chains the day's history run after it, and the mirror sensor
writes the execution into pipeline_runs. Nothing here calls our code in-process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from jobboard_assets.launch.execute import sync_registry
from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.tags import CHAIN_METRICS_TAG, EXECUTION_TAG, TRIGGER_TAG
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import PipelineRun
from jobboard_assets_tests.platform import Platform

REPO = Path(__file__).resolve().parents[2]
DAY = date(2026, 2, 2)
pytestmark = pytest.mark.slow


def _wait_for_row(engine: Engine, run_id: str, timeout: float) -> PipelineRun | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            row = session.scalars(
                select(PipelineRun).where(PipelineRun.run_id == run_id)
            ).one_or_none()
            if row is not None and row.status != "running":
                return row
        time.sleep(1)
    return None


def test_daemon_launches_chains_and_mirrors(jobboard_platform: Platform, tmp_path: Path) -> None:
    platform = jobboard_platform
    enabled = sync_registry(platform.instance, platform.engine, platform.registry)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(platform.home),
        "JOBBOARD_DATABASE_URL": platform.warehouse_url,
        "JOBBOARD_BOARDS_FILE": str(platform.write_registry(tmp_path / "boards.yaml")),
    }
    bin_dir = Path(sys.executable).parent
    tags = {
        **board_range_tags(enabled, DAY, DAY),
        EXECUTION_TAG: "daemon-exec",
        TRIGGER_TAG: "api",
        CHAIN_METRICS_TAG: "true",
    }
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [bin_dir / "dagster-daemon", "run", "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        subprocess.run(
            [
                bin_dir / "dagster",
                "job",
                "launch",
                "-w",
                "workspace.yaml",
                "-j",
                "scrape_boards",
                "--tags",
                json.dumps(tags),
            ],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        row = _wait_for_row(platform.engine, "daemon-exec", timeout=240)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)
        log.close()
    assert row is not None, (tmp_path / "daemon.log").read_text()[-4000:]
    assert row.status == "completed", row.errors
    assert row.trigger == "api" and row.jobs is not None
    assert len(row.dagster_run_ids) == 2  # the queued scrape run and the sensor's history run
    assert {job["jobType"] for job in row.jobs} == {
        "scrape",
        "normalize",
        "lifespan",
        "repost",
        "score",
    }
