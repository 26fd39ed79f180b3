"""Plumbing for the reliability tests: scratch warehouses, real processes, the real database server.

Everything here starts real things (a `dagster-daemon`, `jobboard run` processes, `pg_ctlcluster`)
and waits for observable outcomes, each with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import TypeVar

from dagster import DagsterRun, RunsFilter
from sqlalchemy import text

from jobboard_assets.lib.ranges import board_range_tags
from jobboard_assets.lib.resources import RETRY_BACKOFF_ENV
from jobboard_assets.lib.tags import EXECUTION_TAG, TRIGGER_TAG
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets_tests.conftest import FAST_RETRY_BACKOFF, fresh_warehouse_url
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.mid_write import PAUSE_ENV, STARTUP_DIR

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_CLUSTER = ("15", "main")

T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.2) -> T:
    """Poll `probe` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@contextmanager
def scratch_warehouse_url(backend: str, directory: Path, postgres_url: str | None) -> Iterator[str]:
    """An empty warehouse for a whole module (the fault matrix): the root conftest's
    `fresh_warehouse_url`, which the `warehouse_url` fixture makes per test."""
    with fresh_warehouse_url(backend, directory / "warehouse.db", postgres_url) as url:
        yield url


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_env(platform: Platform, directory: Path, **extra: str) -> dict[str, str]:
    """The environment a daemon or `jobboard` process needs to work on the test platform."""
    return {
        **os.environ,
        "DAGSTER_HOME": str(platform.home),
        "JOBBOARD_DATABASE_URL": platform.warehouse_url,
        "JOBBOARD_BOARDS_FILE": str(platform.write_registry(directory / "boards.yaml")),
        RETRY_BACKOFF_ENV: FAST_RETRY_BACKOFF,
        **extra,
    }


def pause_env(slug: str, directory: Path) -> dict[str, str]:
    """Make `slug`'s next board-day stop mid-transaction in the processes started with this
    environment: their `sitecustomize` installs the pause (see mid_write.py)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = [str(STARTUP_DIR), str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {PAUSE_ENV: f"{slug}={directory}", "PYTHONPATH": os.pathsep.join(path)}


def wait_until_paused(directory: Path, timeout: float = 120) -> int:
    """The pid of the process paused inside its board-day transaction."""
    marker = directory / "paused"
    pid = wait_for(
        "a board-day to pause mid-write",
        lambda: (
            marker.read_text() if marker.exists() and marker.read_text().strip().isdigit() else None
        ),
        timeout,
        interval=0.05,
    )
    return int(pid)


def resume(directory: Path) -> None:
    (directory / "resume").touch()


class Spawner:
    """Starts `jobboard run` processes; any still running when the test ends are killed."""

    def __init__(self) -> None:
        self._stack = ExitStack()

    def jobboard_run(self, on: date, env: Mapping[str, str], log: Path) -> subprocess.Popen[bytes]:
        """`jobboard run --date on` as its own process (what cron or a person runs)."""
        output = self._stack.enter_context(log.open("wb"))
        process = self._stack.enter_context(
            subprocess.Popen(
                [BIN / "jobboard", "run", "--date", on.isoformat()],
                cwd=REPO,
                env=dict(env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        )
        self._stack.callback(_kill_if_running, process)  # runs before Popen's exit waits
        return process

    def close(self) -> None:
        self._stack.close()


def _kill_if_running(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()


def finish(process: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> int:
    """Wait for a process; its exit code (the log's tail on timeout)."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(
            f"{process.args!r} did not finish:\n{log.read_text()[-3000:]}"
        ) from None


@contextmanager
def dagster_daemon(
    env: Mapping[str, str], log: Path, prefix: Sequence[str] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """A real `dagster-daemon` (run queue, sensors, run monitoring, freshness) on the platform's
    instance; `prefix`: a command it runs under (`faketime`)."""
    with log.open("wb") as output:
        daemon = subprocess.Popen(
            [*prefix, BIN / "dagster-daemon", "run", "-w", "workspace.yaml"],
            cwd=REPO,
            env=dict(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its code server and run workers die with it
        )
        try:
            yield daemon
        finally:
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()
            # Its code servers share its process group. They end on their own heartbeat
            # timeout, which never comes under a faked clock (the freshness test's `faketime`
            # left them running for the rest of the suite), so the group goes too.
            with suppress(ProcessLookupError):
                os.killpg(daemon.pid, signal.SIGKILL)


def dagster_cli(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """`dagster <args> -w workspace.yaml`; fails the test with its output if it fails."""
    done = subprocess.run(
        [BIN / "dagster", *args, "-w", "workspace.yaml"],
        check=False,
        cwd=REPO,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def launch_scrape(env: Mapping[str, str], boards: list[str], on: date, execution_id: str) -> None:
    """Submit a scrape run of `boards` on `on` to the run queue (as the UI's Materialize does)."""
    run_tags = {
        **board_range_tags(boards, on, on),
        EXECUTION_TAG: execution_id,
        TRIGGER_TAG: "test",
    }
    dagster_cli("job", "launch", "-j", "scrape_boards", "--tags", json.dumps(run_tags), env=env)


def runs_of(platform: Platform, execution_id: str) -> list[DagsterRun]:
    return list(platform.instance.get_runs(RunsFilter(tags={EXECUTION_TAG: execution_id})))


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc), to tell a run worker from anything else."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def _pg_ctlcluster(action: str, *options: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, action, *options],
        check=False,
        capture_output=True,
        timeout=120,
    )


def strike_postgres(server_url: str, application_name: str, database: str) -> None:
    """Restart the local cluster (fast mode: open sessions are cut, as in a real restart).

    Under pytest-xdist another worker's PostgreSQL tests would lose their sessions too, so there
    only the sessions of this test are cut (`application_name`, or the test's Dagster
    `database`): the same "terminating connection due to administrator command" for them.
    """
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) == 1:
        done = _pg_ctlcluster("restart", "-m", "fast")
        assert done.returncode == 0, done.stderr.decode()
        return
    engine = make_engine(server_url)
    try:
        with engine.connect() as connection:
            cut = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name OR datname = :database"
                ),
                {"name": application_name, "database": database},
            ).scalar()
    finally:
        engine.dispose()
    assert cut, "no session of the test's run to cut"


def pg_answers(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT 1")).scalar() == 1
    except Exception:  # noqa: BLE001 - any failure means "not yet"
        return False
    finally:
        engine.dispose()


@contextmanager
def postgres_left_running(url: str) -> Iterator[None]:
    """Whatever happens inside, the local PostgreSQL cluster is up and answering afterwards."""
    try:
        yield
    finally:
        if not pg_answers(url):
            _pg_ctlcluster("start")
        wait_for("PostgreSQL to answer again", lambda: pg_answers(url), timeout=120, interval=0.5)
