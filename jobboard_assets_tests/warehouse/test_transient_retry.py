"""A transaction that meets a transient database error is applied again, not failed.

SQLite: a writer that finds the write lock held past its busy timeout gets "database is
locked" (what failed a board-day under the scale-out's contention); `retry_transient` runs the
transaction again once the lock is free. A data error is not retried.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from jobboard_assets.warehouse.db import retry_transient, session_scope

HELD_SECONDS = 1.5


def _impatient_engine(path: Path) -> Engine:
    """A writer that waits 0.1 s for the lock (ours wait 30 s), so the lock outlasts it."""
    return create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})


def test_a_locked_database_is_retried_until_the_lock_is_free(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    engine = _impatient_engine(path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process's board-day holding the write lock
    release = threading.Timer(HELD_SECONDS, holder.execute, ["COMMIT"])
    attempts = 0

    @retry_transient
    def write() -> None:
        nonlocal attempts
        attempts += 1
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO t (id) VALUES (1)"))

    with pytest.raises(OperationalError, match="database is locked"):
        write.__wrapped__()  # type: ignore[attr-defined]  # one attempt alone fails
    started = time.monotonic()
    release.start()
    write()
    release.join()
    assert time.monotonic() - started >= HELD_SECONDS
    assert attempts > 2
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar_one() == 1


def test_a_data_error_is_not_retried(tmp_path: Path) -> None:
    engine = _impatient_engine(tmp_path / "w.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t (id) VALUES (1)"))
    attempts = 0

    @retry_transient
    def write() -> None:
        nonlocal attempts
        attempts += 1
        with session_scope(engine) as session:
            session.execute(text("INSERT INTO t (id) VALUES (1)"))

    with pytest.raises(IntegrityError):
        write()
    assert attempts == 1
