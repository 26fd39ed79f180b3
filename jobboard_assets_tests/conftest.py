"""Shared fixtures: a real warehouse on SQLite and on PostgreSQL (never a mock).

PostgreSQL tests use JOBBOARD_TEST_POSTGRES_URL and skip only when it is unset; `.ci/run` sets it
and fails if any of them was skipped (the browser tests likewise, below). Each test gets its own
PostgreSQL schema, dropped after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL, make_url

from jobboard_assets.config import SCHEDULE_STATUS_ENV
from jobboard_assets.lib.resources import RETRY_BACKOFF_ENV
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, normalize_url

POSTGRES_URL_ENV = "JOBBOARD_TEST_POSTGRES_URL"
FAST_RETRY_BACKOFF = "0.05"
"""Seconds of backoff (and jitter) between HTTP retries in tests: production's retry count, but
a board that fails costs its run a fraction of a second, not production's ~17 s (1+2+4+8 s and
jitter)."""

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ON_SQLITE = pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
"""For a test whose subject is the same on both backends and whose run is long: the embedded
default, where people start."""
ON_POSTGRES = pytest.mark.parametrize(
    "warehouse_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
"""For a long test whose subject is the same on both backends: the production path."""


def each_on_one_backend(argname: str, cases: dict[str, Any]) -> pytest.MarkDecorator:
    """For a long scenario run several ways (`cases`: id -> value), where what differs between
    the ways is not the warehouse: each way once, the first on PostgreSQL (the production path),
    the next on SQLite (the embedded default), and so on, so both backends run the scenario
    without every way running on both. Pairs with the `warehouse_url` fixture."""
    params = [
        pytest.param(
            *(("postgres", value) if index % 2 == 0 else ("sqlite", value)),
            id=f"{'postgres' if index % 2 == 0 else 'sqlite'}-{case_id}",
            marks=[pytest.mark.postgres] if index % 2 == 0 else [],
        )
        for index, (case_id, value) in enumerate(cases.items())
    ]
    return pytest.mark.parametrize(("warehouse_url", argname), params, indirect=["warehouse_url"])


@pytest.fixture(scope="session", autouse=True)
def fast_retries() -> Iterator[None]:
    """Every run of the suite, in this process or a child (daemons, `jobboard`), retries a
    failing board with `FAST_RETRY_BACKOFF`; the README's own commands run without it.

    The daily schedule is stopped in every test's code location: a test's daemon that is up at
    02:00 UTC would otherwise launch the day's scrape beside the test's own runs (it did, and a
    test terminated the schedule's run instead of its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(RETRY_BACKOFF_ENV, FAST_RETRY_BACKOFF)
        patch.setenv(SCHEDULE_STATUS_ENV, "stopped")
        yield


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return url


@pytest.fixture(params=BACKENDS)
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh warehouse URL on each backend, migrated to head (a copy of this process's
    migrated template: `migrate.upgrade` on it is then a no-op); empty for a test marked
    `empty_warehouse` (the migrations' own tests)."""
    migrated = request.node.get_closest_marker("empty_warehouse") is None
    with fresh_warehouse_url(request.param, tmp_path / "warehouse.db", migrated=migrated) as url:
        yield url


@contextmanager
def fresh_warehouse_url(
    backend: str, sqlite_path: Path, postgres_url: str | None = None, migrated: bool = False
) -> Iterator[str]:
    """A new warehouse: a SQLite file, or a PostgreSQL database dropped afterwards (on the
    server of `postgres_url`, else of JOBBOARD_TEST_POSTGRES_URL); empty, or `migrated` to head.

    A database rather than a schema chosen by `options=-csearch_path`: PgBouncer, which CI puts
    in front of PostgreSQL, does not pass that startup parameter on."""
    if backend == "sqlite":
        if migrated:
            shutil.copyfile(_TEMPLATES.sqlite(), sqlite_path)
        yield f"sqlite:///{sqlite_path}"
        return
    base = normalize_url(postgres_url or postgres_base_url())
    database = f"t_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_TEMPLATES.postgres(base)}"' if migrated else ""
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"{template}'))
    try:
        yield base.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


class _MigratedTemplates:
    """One warehouse migrated to head per test process and backend, copied for each test: a
    copy takes a tenth of the ~1 s (SQLite) or ~2.5 s (PostgreSQL) that migrating takes."""

    def __init__(self) -> None:
        self._sqlite: Path | None = None
        self._postgres: dict[str, tuple[URL, str]] = {}

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = Path(tempfile.mkdtemp(prefix="jobboard-template-")) / "warehouse.db"
            engine = make_engine(f"sqlite:///{path}")
            migrate.upgrade(engine)
            engine.dispose()
            self._sqlite = path
        return self._sqlite

    def postgres(self, base: URL) -> str:
        server = base.set(database=None).render_as_string(hide_password=False)
        if server not in self._postgres:
            database = f"template_{uuid.uuid4().hex[:12]}"
            admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
            engine = make_engine(base.set(database=database))
            migrate.upgrade(engine)
            engine.dispose()
            with admin.connect() as connection:
                # A pooler (PgBouncer) keeps its server session to the template open; a
                # database is copied only when nobody is connected to it.
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": database},
                )
            admin.dispose()
            self._postgres[server] = (base, database)
        return self._postgres[server][1]

    def drop(self) -> None:
        for base, database in self._postgres.values():
            admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
        self._postgres.clear()
        if self._sqlite is not None:
            shutil.rmtree(self._sqlite.parent, ignore_errors=True)
            self._sqlite = None


_TEMPLATES = _MigratedTemplates()


@pytest.fixture
def engine(warehouse_url: str) -> Iterator[Engine]:
    """A migrated warehouse engine on each backend."""
    engine = make_engine(warehouse_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def backend_of(url: str) -> str:
    return make_url(url).get_backend_name()


# --- `.ci/run` sets JOBBOARD_REQUIRE_POSTGRES=1 and JOBBOARD_REQUIRE_BROWSER=1: a skipped test of
# that kind (marker `postgres` / `browser`) then fails the session, so CI never passes on a
# machine that silently lacks PostgreSQL or Chromium. Counted from the test reports, which
# pytest-xdist forwards to the controlling process.
REQUIRED_KINDS = {"postgres": "JOBBOARD_REQUIRE_POSTGRES", "browser": "JOBBOARD_REQUIRE_BROWSER"}
_reports: dict[str, dict[str, Any]] = {kind: {"ran": 0, "skipped": []} for kind in REQUIRED_KINDS}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for kind, counts in _reports.items():
        if kind not in report.keywords:
            continue
        if report.skipped:
            counts["skipped"].append(report.nodeid)
        elif report.when == "call":
            counts["ran"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _TEMPLATES.drop()  # this process's migrated templates
    if hasattr(session.config, "workerinput"):
        return  # only the controlling process judges, once it has every report
    for kind, variable in REQUIRED_KINDS.items():
        skipped, ran = _reports[kind]["skipped"], _reports[kind]["ran"]
        if os.environ.get(variable) != "1" or (ran and not skipped):
            continue
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"{variable}=1 but {len(skipped)} {kind} tests were skipped "
                f"and {ran} ran: {skipped[:5]}",
                red=True,
            )


@pytest.fixture
def jobboard_platform(warehouse_url: str, tmp_path: Path):
    """Simulator + warehouse + Dagster instance, all on the same backend."""
    from jobboard_assets_tests.platform import backend_of, platform

    backend = backend_of(warehouse_url)
    with platform(tmp_path, backend, warehouse_url, os.environ.get(POSTGRES_URL_ENV)) as built:
        yield built
