"""The instance's event logs: the embedded one pooled, the PostgreSQL one retried when cut.

`PooledSqliteEventLogStorage`, the embedded default: Dagster's consolidated SQLite event log,
with pooled connections.

Dagster's SQLite storages open a new engine and connection for every statement (NullPool), so
every stored event pays a connect, a journal commit and a close, and a day of 33 boards stores
188 events, nearly all Dagster's own (a materialization and its "planned" event per partition).
This subclass keeps one engine per process with a small connection pool and `synchronous=NORMAL`
in WAL mode (the storage already uses WAL). benchmarks/bench_instance.py, medians on a quiet
2-core machine: 8.0 ms per event for the stock storage, 7.4 for the stock consolidated one, 2.0
for this one; the 33-board day 10.6 s, 10.7 s and 9.3 s (shared machine at load ~15: 83, 78 and
4.9 ms; 46 s, 61 s and 19 s). The cost of NORMAL is that a power
loss may drop the last few events of this local, embedded instance; production keeps its event
log on PostgreSQL (`dagster.yaml`).

`RetryingPostgresEventLogStorage`, production: dagster-postgres's event log, which retries
making a connection but not a statement cut mid-way. A PostgreSQL restart (or a pooler losing its
server session) while a step stores an event then failed the step, and with it a day whose
warehouse writes had all been retried and applied. This subclass stores the event again after a
transient error (`warehouse.db.is_transient`, the same rule and minute of retries as the
warehouse's own transactions). Its cost: an event whose insert committed just before the cut is
stored twice (the UI lists it twice; partition status is the same). Public API only
(`dagster_postgres.PostgresEventLogStorage`).

Pooled connections leave new events in the `-wal` file until a checkpoint, so live views (the
UI's run log) watch that file too, not only the database file.

This is one of the two modules that rely on Dagster internals (nothing public came close,
README "Design choices"; the other is launch/located_run.py): the base class and the busy
timeout live under `dagster._core`, so they are looked up by name in `_dagster_internal` rather than imported
(the project bans `dagster._*` imports, jobboard_assets_tests/test_public_dagster_api.py), and
jobboard_assets_tests/test_instance_storage.py checks every private member used here, so a
Dagster upgrade that changes them fails that test by name instead of breaking the instance.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster import EventLogEntry
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from watchdog.events import FileSystemEvent, PatternMatchingEventHandler
from watchdog.observers import Observer

from jobboard_assets.warehouse.db import retry_transient

BASE_CLASS = (
    "dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log",
    "ConsolidatedSqliteEventLogStorage",
)
BUSY_TIMEOUT = ("dagster._core.storage.sqlite", "SQLITE_BUSY_TIMEOUT_SECONDS")
"""Where Dagster keeps what this module extends: (module, name), checked by the contract test."""


def _dagster_internal(location: tuple[str, str]) -> Any:
    """A Dagster internal by module path and name (how we reach into `dagster._*`)."""
    module, name = location
    return getattr(importlib.import_module(module), name)


ConsolidatedSqliteEventLogStorage: type = _dagster_internal(BASE_CLASS)
SQLITE_BUSY_TIMEOUT_SECONDS: float = _dagster_internal(BUSY_TIMEOUT)


class PooledSqliteEventLogStorage(ConsolidatedSqliteEventLogStorage):
    """`ConsolidatedSqliteEventLogStorage` reusing pooled connections within a process."""

    # Set by the base class's __init__ (jobboard_assets_tests/test_instance_storage.py checks).
    _base_dir: str
    _conn_string: str
    _obs: Any
    _watchers: dict[str, dict[Callable[..., Any], str | None]]
    _pooled: db.Engine | None = None

    def _engine(self) -> db.Engine:
        if self._pooled is None:
            engine = db.create_engine(
                self._conn_string,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                pool_size=4,
                max_overflow=8,
                pool_pre_ping=False,
            )
            db.event.listen(engine, "connect", _normal_sync)
            self._pooled = engine
        return self._pooled

    @contextmanager
    def _connect(self) -> Iterator[db.Connection]:
        with self._engine().connect() as connection, connection.begin():
            yield connection

    def watch(self, run_id: str, cursor: str | None, callback: Callable[..., Any]) -> None:
        if not self._obs:
            observer = Observer()
            observer.start()
            observer.schedule(_WalAwareWatchdog(self), self._base_dir, recursive=True)
            self._obs = observer
        self._watchers[run_id][callback] = cursor

    def dispose(self) -> None:
        super().dispose()
        if self._pooled is not None:
            self._pooled.dispose()
            self._pooled = None


class RetryingPostgresEventLogStorage(PostgresEventLogStorage):
    """`PostgresEventLogStorage` storing an event again after a transient database error."""

    @classmethod
    def from_config_value(
        cls, inst_data: Any, config_value: Mapping[str, Any]
    ) -> RetryingPostgresEventLogStorage:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    def store_event(self, event: EventLogEntry) -> None:
        retry_transient(super().store_event)(event)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        retry_transient(super().store_event_batch)(events)


def _normal_sync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _WalAwareWatchdog(PatternMatchingEventHandler):
    """Calls the storage back when its database or its write-ahead log changes."""

    def __init__(self, storage: PooledSqliteEventLogStorage) -> None:
        self._storage = storage
        path = storage.get_db_path()
        super().__init__(patterns=[path, f"{path}-wal"])

    def on_modified(self, event: FileSystemEvent) -> None:
        self._storage.on_modified()
