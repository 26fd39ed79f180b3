"""The contract between instance_storage.py and the Dagster internals it extends.

`PooledSqliteEventLogStorage` subclasses Dagster's consolidated SQLite event log and replaces how
it connects and watches. Each test names one thing it relies on; after a Dagster upgrade a failure
here says which assumption broke (then re-measure with benchmarks/bench_instance.py, and fix the
subclass or drop it for the stock storage).
"""

from __future__ import annotations

import importlib
import inspect
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from dagster import AssetObservation, DagsterInstance, EventLogEntry, asset, materialize
from dagster_postgres import PostgresEventLogStorage
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from jobboard_assets import instance_storage
from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML
from jobboard_assets.instance_storage import (
    PooledSqliteEventLogStorage,
    RetryingPostgresEventLogStorage,
)
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets_tests.conftest import fresh_warehouse_url
from jobboard_assets_tests.reliability.support import wait_for

BASE = instance_storage.ConsolidatedSqliteEventLogStorage
EXPECTED_PARAMETERS = {
    "_connect": ["self"],
    "run_connection": ["self", "run_id"],
    "index_connection": ["self"],
    "watch": ["self", "run_id", "cursor", "callback"],
    "end_watch": ["self", "run_id", "handler"],
    "on_modified": ["self"],
    "get_db_path": ["self"],
    "dispose": ["self"],
    "free_concurrency_slots_for_run": ["self", "run_id"],
}
"""Methods of the base class we override or call, with the parameters our code passes
(`free_concurrency_slots_for_run`: launch/orphans.py frees a dead process's pool slots with it)."""
CUT_RUN = "cut-run"


def test_the_internals_are_where_we_look_them_up() -> None:
    for module, name in (instance_storage.BASE_CLASS, instance_storage.BUSY_TIMEOUT):
        assert hasattr(importlib.import_module(module), name), f"{module}.{name} is gone"
    assert isinstance(instance_storage.SQLITE_BUSY_TIMEOUT_SECONDS, int | float)


@pytest.mark.parametrize("method", sorted(EXPECTED_PARAMETERS))
def test_the_base_methods_keep_their_parameters(method: str) -> None:
    assert list(inspect.signature(getattr(BASE, method)).parameters) == EXPECTED_PARAMETERS[method]


def test_the_private_attributes_we_read_are_set_by_the_base(tmp_path: Path) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    try:
        assert storage._base_dir == str(tmp_path)
        assert storage._conn_string.startswith("sqlite:///")
        assert storage._conn_string.endswith(Path(storage.get_db_path()).name)
        assert storage._obs is None
        assert isinstance(storage._watchers, defaultdict) and storage._watchers["run"] == {}
    finally:
        storage.dispose()


def test_the_embedded_instance_stores_events_through_the_pool_and_watchers_see_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read and write goes through `_connect` (our pool); a watcher of the run is called."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the embedded yaml's base_dir
    (tmp_path / "dagster.yaml").write_text(EMBEDDED_DAGSTER_YAML)

    @asset
    def observed(context) -> None:  # unannotated: Dagster rejects a postponed annotation here
        context.log_event(AssetObservation(asset_key=context.asset_key, metadata={"n": 1}))

    with DagsterInstance.from_config(str(tmp_path)) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        first = materialize([observed], instance=instance)
        assert first.success
        assert storage._pooled is not None  # the base's connections went through our engine
        pool = storage._pooled.pool
        assert isinstance(pool, QueuePool) and pool.checkedin() >= 1  # and came back to the pool

        called = threading.Event()
        storage.watch(first.run_id, None, lambda *_: called.set())
        instance.report_engine_event("watched", instance.get_run_by_id(first.run_id))
        assert called.wait(60), "the WAL-aware watchdog never called back"
        assert len(instance.all_logs(first.run_id)) > 0


def _store_while_the_session_is_cut(storage: PostgresEventLogStorage, url: str) -> list[Exception]:
    """Store one event while another session locks the event table; terminate the storing
    session while it waits (what a PostgreSQL restart does to a statement in flight), then let go.
    Returns what `store_event` raised."""
    raised: list[Exception] = []

    def store() -> None:
        entry = EventLogEntry(
            error_info=None,
            level="INFO",
            user_message="stored across a cut",
            run_id=CUT_RUN,
            timestamp=time.time(),
        )
        try:
            storage.store_event(entry)
        except Exception as error:  # noqa: BLE001 - the test reports what was raised
            raised.append(error)

    locker = make_engine(url)
    try:
        with locker.connect() as holder, holder.begin(), locker.connect() as watcher:
            holder.execute(text("LOCK TABLE event_logs IN ACCESS EXCLUSIVE MODE"))
            storing = threading.Thread(target=store)
            storing.start()
            waiting = wait_for(
                "the event's insert to wait for the lock",
                lambda: _waiting_for_a_lock(watcher),
                timeout=30,
            )
            watcher.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": waiting})
            watcher.commit()
        storing.join(timeout=120)
        assert not storing.is_alive(), "store_event never returned"
    finally:
        locker.dispose()
    return raised


def _waiting_for_a_lock(connection: Connection) -> int | None:
    """The session of this database waiting for a lock (a new snapshot of activity each time)."""
    with connection.begin():
        return connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar()


@pytest.mark.postgres
def test_an_event_whose_statement_a_restart_cuts_is_stored_once_all_the_same(
    tmp_path: Path,
) -> None:
    """dagster-postgres's own event log fails the step; ours stores the event, once."""
    with fresh_warehouse_url("postgres", tmp_path / "unused.db") as url:
        stock = PostgresEventLogStorage(url)
        try:
            (error,) = _store_while_the_session_is_cut(stock, url)
            assert isinstance(error, OperationalError)  # the connection went (direct or pooled)
        finally:
            stock.dispose()
        retrying = RetryingPostgresEventLogStorage(url)
        try:
            assert _store_while_the_session_is_cut(retrying, url) == []
            stored = [entry.user_message for entry in retrying.get_logs_for_run(CUT_RUN)]
            assert stored == ["stored across a cut"]
        finally:
            retrying.dispose()
