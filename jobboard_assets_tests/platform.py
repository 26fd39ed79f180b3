"""A whole platform for end-to-end tests: simulator on loopback, warehouse, Dagster instance.

Everything is real: the simulator serves HTTP on 127.0.0.1, the warehouse is SQLite or
PostgreSQL, and the Dagster instance is SQLite or PostgreSQL (dagster-postgres) to match.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from dagster import DagsterInstance
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML
from jobboard_assets.launch.execute import ExecutionRequest, ScrapeProgress, run_execution
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.registry_file import registry_yaml
from jobboard_assets.sim.server import SimServer
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, normalize_url

PRODUCTION_DAGSTER_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"
STORAGES = ("run_storage", "event_log_storage", "schedule_storage")
SIM_SEED = 7
SIM_BOARDS = 8  # every kind at least once, small enough for many Dagster runs per test


@dataclass
class Platform:
    instance: DagsterInstance
    engine: Engine
    market: SimulatedMarket
    server: SimServer
    registry: list[BoardConfig]
    home: Path
    warehouse_url: str

    def run(
        self,
        first_day: date,
        last_day: date | None = None,
        boards: Sequence[str] = (),
        scrape_progress: ScrapeProgress | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """One pipeline execution (what `jobboard run` / `jobboard backfill` do)."""
        request = ExecutionRequest(
            first_day=first_day, last_day=last_day or first_day, boards=boards, **kwargs
        )
        return run_execution(
            self.instance, self.engine, self.registry, request, scrape_progress=scrape_progress
        )

    def write_registry(self, path: Path) -> Path:
        """The registry as a boards file (for subprocesses: the daemon, the CLI)."""
        path.write_text(registry_yaml(self.registry, "Written by the test platform."))
        return path


def instance_yaml(postgres_url: str | None = None) -> str:
    """The embedded instance's settings (`jobboard setup` writes them), with the queue and run
    monitoring polled faster for tests, and on PostgreSQL (dagster-postgres) when asked."""
    settings = yaml.safe_load(EMBEDDED_DAGSTER_YAML)
    settings["run_coordinator"]["config"] = {"dequeue_interval_seconds": 1}
    settings["run_monitoring"].update(poll_interval_seconds=2, free_slots_after_run_end_seconds=1)
    if postgres_url:
        production = yaml.safe_load(PRODUCTION_DAGSTER_YAML.read_text())
        for storage in STORAGES:  # production's storage classes, connected by URL
            settings[storage] = {**production[storage], "config": {"postgres_url": postgres_url}}
    return yaml.safe_dump(settings)


@contextmanager
def dagster_home(tmp_path: Path, backend: str, postgres_url: str | None) -> Iterator[Path]:
    """A DAGSTER_HOME on SQLite, or on a fresh PostgreSQL database dropped afterwards."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    if backend == "sqlite":
        (home / "dagster.yaml").write_text(instance_yaml())
        yield home
        return
    assert postgres_url
    base = normalize_url(postgres_url)
    database = f"dagster_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = base.set(database=database)  # postgresql+psycopg2: what dagster-postgres speaks
    (home / "dagster.yaml").write_text(instance_yaml(url.render_as_string(hide_password=False)))
    try:
        yield home
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def platform(
    tmp_path: Path,
    backend: str,
    warehouse_url: str,
    postgres_url: str | None,
    market: SimulatedMarket | None = None,
) -> Iterator[Platform]:
    """`market`: what the simulator serves (default: `SIM_BOARDS` boards in a steady state)."""
    market = market or SimulatedMarket(seed=SIM_SEED, n_boards=SIM_BOARDS)
    with dagster_home(tmp_path, backend, postgres_url) as home, SimServer(market) as server:
        saved = {name: os.environ.get(name) for name in ("DAGSTER_HOME", "JOBBOARD_DATABASE_URL")}
        os.environ["DAGSTER_HOME"] = str(home)
        os.environ["JOBBOARD_DATABASE_URL"] = warehouse_url  # what the runs' resources read
        engine = make_engine(warehouse_url)
        migrate.upgrade(engine)
        try:
            with DagsterInstance.get() as instance:
                yield Platform(
                    instance=instance,
                    engine=engine,
                    market=market,
                    server=server,
                    registry=market.board_configs(server.base_url),
                    home=home,
                    warehouse_url=warehouse_url,
                )
        finally:
            engine.dispose()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def backend_of(url: str) -> str:
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgres"
