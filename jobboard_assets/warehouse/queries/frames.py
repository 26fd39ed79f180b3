"""Reading query results into typed polars frames, fast on both backends."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine, Executable


def read_frame(
    engine: Engine, query: Executable, schema: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """The rows of a SELECT as a frame with exactly `schema`.

    Rows come straight from the driver's cursor and are typed by polars column by column: going
    through SQLAlchemy's per-value result processing was 3.2 s against 1.4 s for 200k postings
    (SQLite returns dates as text, which `str.to_date` converts in one vectorised pass).
    """
    with engine.connect() as connection:
        # SQLAlchemy binds the parameters; the rows are read from the driver's cursor unprocessed.
        rows = connection.execute(query).cursor.fetchall()
    names = list(schema)
    if not rows:
        return pl.DataFrame(schema=dict(schema))
    raw = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    return raw.select(_typed(pl.col(name), raw.schema[name], schema[name]) for name in names)


def _typed(column: pl.Expr, raw: pl.DataType, target: pl.DataType) -> pl.Expr:
    if raw == pl.Utf8 and isinstance(target, pl.List):
        return column.str.json_decode(target)  # a JSON column as SQLite returns it: its text
    if raw == pl.Utf8 and target == pl.Date:
        return column.str.to_date("%Y-%m-%d")
    if raw == pl.Utf8 and isinstance(target, pl.Datetime):
        parsed = column.str.to_datetime(time_unit=target.time_unit)
        return parsed.dt.replace_time_zone(target.time_zone) if target.time_zone else parsed
    if isinstance(raw, pl.Datetime) and isinstance(target, pl.Datetime) and raw.time_zone:
        return column.dt.convert_time_zone(target.time_zone or "UTC").cast(target)
    return column.cast(target)
