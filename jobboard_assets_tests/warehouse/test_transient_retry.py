"""A transaction that meets a transient database error is applied again, not failed.

SQLite: a writer that finds the write lock held past its busy timeout gets "database is
locked" (what failed a board-day under the scale-out's contention); `retry_transient` runs the
transaction again once the lock is free. PostgreSQL: a session cut mid-transaction (a restart,
PgBouncer losing its server session) and a deadlock victim are run again. A data error is not
retried.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from jobboard_assets.warehouse.db import make_engine, retry_transient, session_scope
from jobboard_assets_tests.conftest import fresh_warehouse_url

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


@pytest.fixture
def postgres_engine(tmp_path: Path) -> Iterator[Engine]:
    """A real PostgreSQL warehouse database (through PgBouncer under `.ci/run`)."""
    with fresh_warehouse_url("postgres", tmp_path / "unused.db") as url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)"))
            connection.execute(text("INSERT INTO t (id, n) VALUES (1, 0), (2, 0)"))
        yield engine
        engine.dispose()


@pytest.mark.postgres
def test_a_postgres_session_cut_mid_transaction_is_retried(postgres_engine: Engine) -> None:
    """What a server restart (or a pooler losing its server session) does to a board-day in
    flight: the statement after the cut fails, whatever the driver's words for it, and the whole
    transaction runs again on a new session."""
    attempts = 0

    @retry_transient
    def write() -> None:
        nonlocal attempts
        attempts += 1
        with session_scope(postgres_engine) as session:
            session.execute(text("UPDATE t SET n = n + 1 WHERE id = 1"))
            if attempts == 1:
                pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                with postgres_engine.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            session.execute(text("UPDATE t SET n = n + 1 WHERE id = 2"))

    write()
    assert attempts == 2
    with postgres_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, n FROM t ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, 1), (2, 1)]  # the cut attempt left nothing


@pytest.mark.postgres
def test_a_postgres_deadlock_victim_is_retried(postgres_engine: Engine) -> None:
    """Two writers taking the same rows in opposite orders: PostgreSQL breaks the deadlock by
    failing one (SQLSTATE 40P01), whose own advice is to run it again; both end applied."""
    both_hold_one = threading.Barrier(2, timeout=30)
    attempts = {1: 0, 2: 0}

    def writer(first: int, second: int) -> None:
        @retry_transient
        def write() -> None:
            attempts[first] += 1
            with session_scope(postgres_engine) as session:
                session.execute(text("UPDATE t SET n = n + 1 WHERE id = :id"), {"id": first})
                if attempts[first] == 1:
                    both_hold_one.wait()
                session.execute(text("UPDATE t SET n = n + 1 WHERE id = :id"), {"id": second})

        write()

    threads = [
        threading.Thread(target=writer, args=(1, 2)),
        threading.Thread(target=writer, args=(2, 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert sorted(attempts.values()) == [1, 2]  # one victim, run again once
    with postgres_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, n FROM t ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, 2), (2, 2)]
