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
from collections import defaultdict
from pathlib import Path

import pytest
from dagster import AssetObservation, DagsterInstance, asset, materialize
from sqlalchemy.pool import QueuePool

from jobboard_assets import instance_storage
from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML
from jobboard_assets.instance_storage import PooledSqliteEventLogStorage

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
