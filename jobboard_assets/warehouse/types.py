"""Column types that mean the same on PostgreSQL and SQLite.

PostgreSQL gets its native types (JSONB, TEXT[], JSONB[], timestamptz); SQLite stores JSON text.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Text, cast
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Dialect
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
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(timezone.utc)
