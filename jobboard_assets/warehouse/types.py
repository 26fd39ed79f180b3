"""Column types that mean the same on PostgreSQL and SQLite.

PostgreSQL gets its native types (JSONB, TEXT[], JSONB[], timestamptz); SQLite stores JSON text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Text, Uuid, cast
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

JsonDocument: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")
"""A JSON document: JSONB on PostgreSQL, JSON text on SQLite."""

TextList: TypeEngine[Any] = JSON().with_variant(ARRAY(Text()), "postgresql")
"""A list of strings: TEXT[] on PostgreSQL, a JSON array on SQLite."""


class _JsonbArray(TypeDecorator[list[Any]]):
    """JSONB[] with an explicit cast: psycopg2 sends a Python list as text[]."""

    impl = ARRAY(JSONB())
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, ARRAY(JSONB()))


JsonList: TypeEngine[Any] = JSON().with_variant(_JsonbArray(), "postgresql")
"""A list of JSON documents: JSONB[] on PostgreSQL, a JSON array on SQLite."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: timestamps must be timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


# --- server-side defaults, so that rows written by other clients (the contract's SQL, a dashboard,
# a notebook) with only the required columns get the same values the ORM would give them.


SQLITE_NEW_UUID = (
    "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2)"
    " || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || hex(randomblob(6)))"
)
"""A v4 UUID as 32 hex digits (SQLAlchemy's `Uuid` storage on SQLite)."""


class new_uuid(FunctionElement[Any]):  # noqa: N801 (a SQL function, named like one)
    """A random (version 4) UUID in the column's storage format.

    PostgreSQL: gen_random_uuid() (built in since 13). SQLite: 32 lowercase hex digits, the way
    SQLAlchemy's `Uuid` stores UUIDs there, with the version and variant bits of a v4 UUID.
    """

    type = Uuid()
    inherit_cache = True


@compiles(new_uuid, "postgresql")
def _new_uuid_postgresql(element: new_uuid, compiler: Any, **kw: Any) -> str:
    return "gen_random_uuid()"


@compiles(new_uuid)
def _new_uuid_sqlite(element: new_uuid, compiler: Any, **kw: Any) -> str:
    return SQLITE_NEW_UUID


class empty_list(FunctionElement[Any]):  # noqa: N801 (a SQL expression, named like one)
    """An empty `TextList` / `JsonList`: '{}' (an empty array) on PostgreSQL, '[]' on SQLite."""

    inherit_cache = True


@compiles(empty_list, "postgresql")
def _empty_list_postgresql(element: empty_list, compiler: Any, **kw: Any) -> str:
    return "'{}'"


@compiles(empty_list)
def _empty_list_sqlite(element: empty_list, compiler: Any, **kw: Any) -> str:
    return "'[]'"
