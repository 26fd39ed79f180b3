"""What every benchmark shares: the simulator in its own process, fresh platforms, timing, output.

Benchmarks measure, they never assert. Each figure is repeated and reported as min / median /
max seconds with the peak RSS of the process that did the work, and written to
`benchmarks/results/<name>.json` together with the machine it ran on.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def spread(times: list[float]) -> dict[str, float]:
    """min / median / max of repeated timings, in seconds."""
    return {
        "min": round(min(times), 3),
        "median": round(statistics.median(times), 3),
        "max": round(max(times), 3),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def machine() -> dict[str, Any]:
    """The machine the figures came from."""
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **results}, indent=2, default=str) + "\n")
    print(f"wrote {path}")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def simulator(boards: int, seed: int = 42, directory: Path | None = None) -> Iterator[Path]:
    """`jobboard sim serve` in its own process (the boards are remote, as in real life);
    yields the registry file that points at it."""
    port = free_port()
    directory = directory or Path(os.environ.get("TMPDIR", "/tmp"))
    registry = directory / f"boards-{boards}-{port}.yaml"
    subprocess.run(
        [
            BIN / "jobboard",
            "sim",
            "boards",
            "--port",
            str(port),
            "--seed",
            str(seed),
            "--boards",
            str(boards),
            "-o",
            str(registry),
        ],
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [
            BIN / "jobboard",
            "sim",
            "serve",
            "--port",
            str(port),
            "--seed",
            str(seed),
            "--boards",
            str(boards),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield registry
    finally:
        server.terminate()
        server.wait(timeout=30)


KINDS = ("greenhouse", "lever", "ashby", "smartrecruiters", "workable", "rss", "html")


@contextmanager
def hosts_simulator(
    boards: int, interval: float, directory: Path
) -> Iterator[tuple[Path, dict[str, int]]]:
    """Many boards behind a few ATS hosts: one simulator process per board kind, each on its own
    loopback address (127.0.0.2, 127.0.0.3, ...), every board with `interval` seconds between
    requests to its host. Yields the registry file and the number of boards per host."""
    port = free_port()
    hosts = {kind: f"127.0.0.{index + 2}" for index, kind in enumerate(KINDS)}
    with ExitStack() as servers:
        for host in hosts.values():
            server = subprocess.Popen(
                [str(BIN / "jobboard"), "sim", "serve", "--host", host, "--port", str(port)]
                + ["--boards", str(boards)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.callback(server.wait, 30)
            servers.callback(server.terminate)
            wait_for_port(port, host=host)
        registry = directory / "boards.yaml"
        subprocess.run(
            [str(BIN / "jobboard"), "sim", "boards", "--port", str(port), "--boards", str(boards)]
            + ["-o", str(registry)],
            check=True,
            capture_output=True,
        )
        document = yaml.safe_load(registry.read_text())
        for board in document["boards"]:
            parts = urlsplit(board["url"])
            board["url"] = urlunsplit(parts._replace(netloc=f"{hosts[board['kind']]}:{port}"))
            board["options"] = {**board.get("options", {}), "min_interval_seconds": interval}
        registry.write_text(yaml.safe_dump(document, sort_keys=False))
        yield registry, dict(Counter(hosts[board["kind"]] for board in document["boards"]))


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the simulator did not answer on {host}:{port}")


BACKENDS = ("sqlite", "postgres")
"""The embedded path, and the production path: warehouse and Dagster instance on PostgreSQL."""
POSTGRES_ENV = "JOBBOARD_BENCH_POSTGRES_URL"
"""An admin URL of the PostgreSQL server the production path uses (databases are made on it)."""
DEFAULT_POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def backend_choices(value: str) -> tuple[str, ...]:
    """`--backend sqlite|postgres|both` as the backends to measure."""
    return BACKENDS if value == "both" else (value,)


def add_backend_option(parser: Any) -> None:
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")


@dataclass
class BenchPlatform:
    """A fresh platform for one measurement: its directory and, on PostgreSQL, its databases.

    On SQLite everything lives in `directory` (the embedded default). On PostgreSQL the warehouse
    and the Dagster instance get databases of their own, and the Dagster home holds the
    repository's `dagster.yaml` as shipped, connected through the DAGSTER_PG_* variables.
    """

    directory: Path
    registry: Path
    backend: str
    warehouse_db: str = ""
    dagster_db: str = ""

    def env(self) -> dict[str, str]:
        """Environment of a child process working on this platform."""
        self.directory.mkdir(parents=True, exist_ok=True)
        env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
        env.update(
            JOBBOARD_DATA_DIR=str(self.directory),  # the embedded Dagster home goes under it
            JOBBOARD_BOARDS_FILE=str(self.registry),
            JOBBOARD_DATABASE_URL=f"sqlite:///{self.directory / 'warehouse.db'}",
        )
        if self.backend == "sqlite":
            return env
        admin = _admin_url()
        home = self.directory / "dagster_home"
        home.mkdir(exist_ok=True)
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
        env.update(
            DAGSTER_HOME=str(home),
            DAGSTER_PG_HOST=admin.host or "127.0.0.1",
            DAGSTER_PG_PORT=str(admin.port or 5432),
            DAGSTER_PG_USER=admin.username or "",
            DAGSTER_PG_PASSWORD=admin.password or "",
            DAGSTER_PG_DB=self.dagster_db,
            JOBBOARD_DATABASE_URL=admin.set(database=self.warehouse_db).render_as_string(
                hide_password=False
            ),
        )
        return env

    def postgres_sessions(self) -> dict[str, int]:
        """Sessions opened so far on this platform's databases (pg_stat_database.sessions)."""
        if self.backend == "sqlite":
            return {}
        rows = _admin_rows(
            "SELECT datname, sessions FROM pg_stat_database WHERE datname IN (:a, :b)",
            a=self.warehouse_db,
            b=self.dagster_db,
        )
        names = {self.warehouse_db: "warehouse", self.dagster_db: "dagster_instance"}
        return {names[name]: int(count) for name, count in rows}


class Platforms:
    """Makes fresh platforms and clones of them; drops every PostgreSQL database it made."""

    def __init__(self, backend: str, registry: Path) -> None:
        self.backend = backend
        self.registry = registry
        self._made: list[str] = []

    def fresh(self, directory: Path) -> BenchPlatform:
        if self.backend == "sqlite":
            return BenchPlatform(directory, self.registry, "sqlite")
        return BenchPlatform(directory, self.registry, "postgres", self._create(), self._create())

    def clone(self, source: BenchPlatform, directory: Path) -> BenchPlatform:
        """A copy of `source`'s whole state (files, and databases through TEMPLATE)."""
        shutil.copytree(source.directory, directory)
        if self.backend == "sqlite":
            clone = BenchPlatform(directory, self.registry, "sqlite")
        else:
            clone = BenchPlatform(
                directory,
                self.registry,
                "postgres",
                self._create(template=source.warehouse_db),
                self._create(template=source.dagster_db),
            )
        _carry_frame_cache(source, clone)
        return clone

    def _create(self, template: str = "") -> str:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        _admin_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self._made.append(name)
        return name

    def drop_all(self) -> None:
        for name in self._made:
            _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.clear()


def _carry_frame_cache(source: BenchPlatform, clone: BenchPlatform) -> None:
    """The clone's warehouse is the source's: its postings copy (`pipeline.frame_cache`, one per
    warehouse URL) is renamed to the clone's URL, as an operator's copy stays with its warehouse."""
    from sqlalchemy.engine import make_url

    from jobboard_assets.pipeline.frame_cache import FrameCache

    def copy_of(platform: BenchPlatform, directory: Path) -> Path:
        return FrameCache(directory / "cache").path(
            make_url(platform.env()["JOBBOARD_DATABASE_URL"])
        )

    copied = copy_of(source, clone.directory)
    if copied.exists():
        copied.replace(copy_of(clone, clone.directory))


@contextmanager
def platforms(backend: str, registry: Path) -> Iterator[Platforms]:
    made = Platforms(backend, registry)
    try:
        yield made
    finally:
        made.drop_all()


def _admin_url() -> Any:
    from sqlalchemy.engine import make_url

    return make_url(os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES)


def _admin_rows(query: str, **params: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), params)]
    finally:
        engine.dispose()


def ensure_database(name: str) -> str:
    """The URL of the PostgreSQL database `name`, created if it does not exist (kept datasets)."""
    if not _admin_rows("SELECT 1 FROM pg_database WHERE datname = :name", name=name):
        _admin_sql(f'CREATE DATABASE "{name}"')
    return _admin_url().set(database=name).render_as_string(hide_password=False)


def _admin_sql(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def platform_env(directory: Path, registry: Path) -> dict[str, str]:
    """Environment for a fresh embedded platform in `directory` (warehouse + Dagster home)."""
    return BenchPlatform(directory, registry, "sqlite").env()


def board_slugs(registry: Path) -> list[str]:
    return [board["slug"] for board in yaml.safe_load(registry.read_text())["boards"]]


def run_child(args: list[str], env: dict[str, str], prefix: Sequence[str] = ()) -> dict[str, Any]:
    """Run `python <benchmark> --child ...` in a fresh process and return the JSON it prints.

    A fresh process per measurement: caches start cold and the RSS is that run's own, as for a
    scheduled run, which the daemon starts in a new process every day. `process_seconds` is the
    whole process, imports included; the child's own `seconds` cover the work only. `prefix`
    runs the child under another program (a profiler), which must end with the interpreter.
    """
    started = time.perf_counter()
    completed = subprocess.run(
        [*(prefix or [sys.executable]), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    process_seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{completed.stderr[-3000:]}")
    lines = completed.stdout.strip().splitlines()
    return {
        # the last JSON line: a profiler in `prefix` may print after the child
        **json.loads(next(line for line in reversed(lines) if line.startswith("{"))),
        "process_seconds": process_seconds,
    }


def pipeline_execution(
    first: date,
    last: date,
    boards: Sequence[str] = (),
    parallel_boards: int | None = None,
    celery: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], float]:
    """What `jobboard run` / `jobboard backfill` do, in this process: (pipeline_runs row, seconds).

    Imports stay inside so a benchmark's parent process never loads Dagster.
    """
    from dagster import DagsterInstance

    from jobboard_assets import config
    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.launch.execute import ExecutionRequest, run_execution
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse.db import make_engine

    started = time.perf_counter()
    ensure_dagster_home()
    request = ExecutionRequest(
        first_day=first,
        last_day=last,
        boards=boards,
        trigger="bench",
        parallel_boards=parallel_boards,
        celery=celery,
    )
    with DagsterInstance.get() as instance:
        run = run_execution(
            instance,
            make_engine(config.database_url()),
            load_registry(config.boards_file()),
            request,
        )
    return run, time.perf_counter() - started
