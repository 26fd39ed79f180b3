"""Alembic environment: the connection comes from the caller (see warehouse.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from jobboard_assets.warehouse.db import make_engine
from jobboard_assets.warehouse.migrate import include_name
from jobboard_assets.warehouse.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic needs a connection or sqlalchemy.url (warehouse.migrate)")
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
