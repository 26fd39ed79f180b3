"""Engines and sessions for the warehouse, on SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_delay,
    wait_random_exponential,
)

_log = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT_ERRORS = (
    "database is locked",  # SQLite: another process held the write lock past busy_timeout
    "server closed the connection unexpectedly",  # PostgreSQL restarted or the network cut
    "terminating connection due to administrator command",
    "connection reset",
    "could not connect to server",
    "the database system is starting up",
    "the database system is shutting down",
    "server conn crashed",  # PgBouncer: its server session died under the client
    "pgbouncer cannot connect to server",
)
"""Errors a new attempt of the same transaction gets past: nothing of it was committed."""

TRANSIENT_SQLSTATES = ("08", "57P01", "57P02", "57P03", "40001", "40P01")
"""PostgreSQL codes (a class, or one code) that say nothing about the data: connection
exceptions, the server shutting down or starting, a serialization failure or a deadlock, for
which PostgreSQL's own advice is to run the transaction again."""


def normalize_url(url: str | URL) -> URL:
    """Make a bare `postgresql://` URL use psycopg2, the driver dagster-postgres installs.

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3, which this project does not install;
    an explicit driver (`postgresql+psycopg://...`) is left alone.
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | URL) -> Engine:
    """An engine for the warehouse URL, with SQLite set up for concurrent readers and FKs."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        yield session


def is_transient(error: BaseException) -> bool:
    """A database error that says nothing about the data: the lock was busy, the server (or the
    pooler's server session) went, or PostgreSQL chose this transaction to break a deadlock."""
    if not isinstance(error, DBAPIError):
        return False
    code = getattr(error.orig, "pgcode", None) or ""
    return (
        error.connection_invalidated
        or any(message in str(error.orig) for message in TRANSIENT_ERRORS)
        or any(code.startswith(prefix) for prefix in TRANSIENT_SQLSTATES)
    )


def retry_transient(transaction: Callable[..., T]) -> Callable[..., T]:
    """Run a whole transaction again after a transient error (`is_transient`), for up to a
    minute: long enough for a PostgreSQL restart or a queue of SQLite writers. The transaction
    must be idempotent (ours are: applying a board-day twice changes nothing)."""
    retrying: Callable[[Callable[..., T]], Callable[..., T]] = retry(
        retry=retry_if_exception(is_transient),
        stop=stop_after_delay(60),
        wait=wait_random_exponential(multiplier=0.2, max=10),
        before_sleep=before_sleep_log(_log, logging.WARNING),
        reraise=True,
    )
    return retrying(transaction)
