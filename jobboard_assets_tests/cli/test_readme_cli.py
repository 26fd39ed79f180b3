"""The README's dagster CLI commands, verbatim, in a fresh clone after the Quick start's setup.

Only the simulator's port is changed (to a free one, in the commands and in the clone's
`boards.sim.yaml`); the venv is this checkout's, linked into the clone.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
from datetime import date
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus
from sqlalchemy import func, select

from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.models import LifespanMetric, RawDataSnapshot, RepostFrequency

REPO = Path(__file__).resolve().parents[2]
README_PORT = "8765"
DAILY_ASSETS = [
    "posting_lifespans",
    "posting_reposts",
    "efficiency_scores",
    "lifespan_metrics",
    "repost_frequency",
    "cross_board_jobs",
]
pytestmark = pytest.mark.slow


def readme_cli_block() -> str:
    """The README's shell block with the dagster CLI backfill commands."""
    blocks = re.findall(r"```bash\n(.*?)```", (REPO / "README.md").read_text(), re.DOTALL)
    (block,) = [b for b in blocks if "dagster asset materialize" in b]
    return block


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


@pytest.mark.timeout(900)
def test_readme_commands_work_verbatim_in_a_fresh_clone_after_the_quick_start_demo(
    tmp_path: Path,
) -> None:
    """The Quick start (`jobboard setup`, then `jobboard demo`: its last days, 2 instead of 30 to
    keep the suite short; what matters is that they are months after the backfill), then the
    README's dagster CLI block verbatim: a backfill of three days eight months earlier, then
    `dagster asset materialize` of the same days. Every board-day is compared with its own
    neighbours, none with the demo's days, so the commands exit 0 and every board-day is
    believed; the CLI's runs land on the Quick start's instance and warehouse."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, timeout=120)
    (clone / ".venv").symlink_to(REPO / ".venv")
    port = _free_port()
    sim_registry = clone / "boards.sim.yaml"
    sim_registry.write_text(sim_registry.read_text().replace(f":{README_PORT}/", f":{port}/"))
    block = readme_cli_block()
    assert "DAGSTER_HOME" not in block  # nothing but the Quick start's setup points the CLI
    # A user's shell: none of the test session's settings (DAGSTER_HOME, warehouse, registry).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "JOBBOARD_"))}
    for command in (["setup"], ["demo", "--days", "2", "--port", port]):
        done = subprocess.run(
            [".venv/bin/jobboard", *command], cwd=clone, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert (clone / ".env").exists()
    home = clone / ".jobboard" / "dagster_home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        with DagsterInstance.get() as instance:
            demo_runs = {run.run_id for run in instance.get_runs()}

    # The trap stops the simulator also when a command fails (the README's `kill %1` is last).
    script = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + block.replace(README_PORT, port)
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "DAGSTER_PG" not in done.stderr
    assert not list(clone.glob(".tmp_dagster_home_*"))  # no throw-away instance was used
    # The .env only fills in a DAGSTER_HOME that is not set: production's and tests' still win.
    other = tmp_path / "other_home"
    other.mkdir()
    info = subprocess.run(
        [".venv/bin/dagster", "instance", "info"],
        cwd=clone,
        env={**env, "DAGSTER_HOME": str(other)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"$DAGSTER_HOME: {other}" in info.stdout, info.stdout + info.stderr

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        with DagsterInstance.get() as instance:
            runs = [run for run in instance.get_runs() if run.run_id not in demo_runs]
            latest = {
                name: instance.get_latest_materialization_event(AssetKey(name))
                for name in DAILY_ASSETS
            }
    assert len(runs) == 4  # the backfill's two runs, then one per `dagster asset materialize`
    assert {run.status for run in runs} == {DagsterRunStatus.SUCCESS}
    history_run = runs[0]  # newest first: the README's history command
    assert {key.to_user_string() for key in history_run.asset_selection or ()} == set(DAILY_ASSETS)
    for name, event in latest.items():
        assert event is not None and event.run_id == history_run.run_id, name

    engine = make_engine(f"sqlite:///{clone / '.jobboard' / 'warehouse.db'}")
    with session_scope(engine) as session:
        march = session.scalar(
            select(func.count())
            .select_from(RawDataSnapshot)
            .where(RawDataSnapshot.snapshot_date <= date(2026, 3, 3))
        )
        metric_days = set(session.scalars(select(LifespanMetric.metric_date).distinct()))
        repost_days = set(session.scalars(select(RepostFrequency.metric_date).distinct()))
    engine.dispose()
    assert march == 33 * 3
    assert date(2026, 3, 3) in metric_days and date(2026, 3, 3) in repost_days
