"""The analytics tables' daily writes and the reads of the lifespan and repost frequency views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from jobboard_assets.warehouse.models import (
    Base,
    LifespanDistribution,
    LifespanMetric,
    RawDataSnapshot,
    RepostFrequency,
)
from jobboard_assets.warehouse.queries.upsert import lock_for_replace
from jobboard_assets.warehouse.types import utcnow


def replace_days(
    engine: Engine,
    days: Iterable[date],
    rows_by_model: Mapping[type[Base], pl.DataFrame],
) -> dict[type[Base], int]:
    """Replace the days' rows of each table with the frame's rows, all in one transaction.

    A frame's columns are its table's, except `id` and `created_at`; rows of other days in the
    frame are written too. Re-running a day therefore leaves exactly one copy of its rows.
    """
    days = sorted(set(days))
    now = utcnow()
    with engine.begin() as connection:
        written = {}
        for model, frame in rows_by_model.items():
            table = model.__table__
            written[model] = _replace(connection, table, frame, now, table.c.metric_date.in_(days))
        return written


def replace_and_sync(
    engine: Engine,
    replaced: Mapping[type[Base], pl.DataFrame],
    synced: Mapping[type[Base], pl.DataFrame],
) -> dict[type[Base], int]:
    """Make each table hold exactly its frame's rows, in one transaction (readers see the old
    rows or the new ones, never a mix): `replaced` tables are rewritten, `synced` ones get only
    the difference (rows no longer in the frame deleted, new ones inserted), for big tables of
    which a run changes little. Returns the rows inserted per table.
    """
    now = utcnow()
    with engine.begin() as connection:
        written = {
            model: _replace(connection, model.__table__, frame, now, true())
            for model, frame in replaced.items()
        }
        for model, frame in synced.items():
            written[model] = _sync(connection, model.__table__, frame, now)
    return written


def _insert(connection: Connection, table: Table, frame: pl.DataFrame, now: datetime) -> int:
    columns = [c.name for c in table.columns if c.name in frame.columns]
    rows = [{**row, "created_at": now} for row in frame.select(columns).to_dicts()]
    if rows:
        connection.execute(insert(table), rows)
    return len(rows)


def _replace(
    connection: Connection,
    table: Table,
    frame: pl.DataFrame,
    now: datetime,
    where: ColumnElement[bool],
) -> int:
    """Delete the table's rows `where` says and insert the frame's rows."""
    lock_for_replace(connection, table)
    connection.execute(delete(table).where(where))
    return _insert(connection, table, frame, now)


_DELETE_BATCH = 500


def _sync(connection: Connection, table: Table, frame: pl.DataFrame, now: datetime) -> int:
    """Delete the table's rows that are not in the frame and insert the frame's that are not in
    the table, comparing every column but `id` and `created_at` (nulls as values)."""
    lock_for_replace(connection, table)
    names = [c.name for c in table.columns if c.name not in ("id", "created_at")]
    schema = {name: _polars_type(table.c[name].type) for name in names}
    wanted = (
        pl.DataFrame(schema=schema)
        if frame.is_empty()
        else frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())
    )
    stored = pl.read_database(
        select(table.c.id, *(table.c[name] for name in names)),
        connection,
        schema_overrides={"id": pl.Int64, **schema},
    )
    stale = stored.join(wanted, on=names, how="anti", nulls_equal=True)["id"].to_list()
    for start in range(0, len(stale), _DELETE_BATCH):  # bound the bind parameters per statement
        connection.execute(
            delete(table).where(table.c.id.in_(stale[start : start + _DELETE_BATCH]))
        )
    fresh = wanted.join(stored.drop("id"), on=names, how="anti", nulls_equal=True)
    return _insert(connection, table, fresh, now)


def latest_metric_day(session: Session) -> date | None:
    """The latest day the daily analytics were computed for (a run may ask for a day that no
    board could be observed on: its rows still describe the history as of that day)."""
    return session.scalar(select(func.max(LifespanMetric.metric_date)))


# --- views ----------------------------------------------------------------------------------

_POLARS_TYPES = {
    Boolean: pl.Boolean(),
    Integer: pl.Int64(),
    Float: pl.Float64(),
    Date: pl.Date(),
    String: pl.Utf8(),
}


def _columns(
    model: type[Base] | None = None, **extra: TypeEngine[Any]
) -> dict[str, TypeEngine[Any]]:
    """A view's column types: its table's and its own (`extra`), of the kinds views return.

    Typing the result makes SQLite's text dates and 0/1 booleans the same Python values as
    PostgreSQL's, and gives a column of nulls a type.
    """
    table_columns = {} if model is None else {c.name: c.type for c in model.__table__.columns}
    return {
        name: sql_type
        for name, sql_type in {**table_columns, **extra}.items()
        if isinstance(sql_type, tuple(_POLARS_TYPES))
    }


def _polars_type(sql_type: TypeEngine[Any]) -> pl.DataType:
    return next(dtype for base, dtype in _POLARS_TYPES.items() if isinstance(sql_type, base))


_VIEWS: dict[str, tuple[str, dict[str, TypeEngine[Any]]]] = {
    "board_lifespan_stats": ("job_board_id", _columns(LifespanMetric, board_name=String())),
    "role_family_lifespan_stats": (
        "role_family",
        _columns(LifespanMetric, distinct_boards=Integer()),
    ),
    "lifespan_distribution_buckets": (
        "job_board_id, min_days",
        _columns(LifespanDistribution, board_name=String()),
    ),
    "daily_lifespan_trends": (
        "job_board_id, day",
        _columns(
            RawDataSnapshot,
            day=Date(),
            board_name=String(),
            disappeared_lifespan_mean_days=Float(),
        ),
    ),
    "board_repost_frequency_stats": (
        "job_board_id",
        _columns(RepostFrequency, board_name=String()),
    ),
}
"""Each view with its row order and its column types."""

VIEWS = tuple(_VIEWS)


def view_frame(engine: Engine, view: str) -> pl.DataFrame:
    """Every row of one of the analytics views, typed the same on both backends."""
    order, types = _VIEWS[view]
    query = text(f"SELECT * FROM {view} ORDER BY {order}").columns(**types)
    with engine.connect() as connection:
        return pl.read_database(
            query,
            connection,
            schema_overrides={name: _polars_type(sql_type) for name, sql_type in types.items()},
        )
