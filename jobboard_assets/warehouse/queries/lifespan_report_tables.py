"""Reads of the lifespan report tables for /api/lifespan: indexed, at most a page of rows each."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, select

from jobboard_assets.warehouse.models import (
    JobBoard,
    LifespanReportBucket,
    LifespanReportGroup,
    LifespanReportTrend,
)

Row = dict[str, Any]


def version(connection: Connection) -> tuple[Any, ...]:
    """What changes when the report is rewritten (its write time and size) or a board is added or
    renamed (their count, max id and total name length): two small aggregates, no rows sent."""
    report = select(func.max(LifespanReportGroup.created_at), func.count())
    boards = select(func.count(), func.max(JobBoard.id), func.sum(func.length(JobBoard.name)))
    return (*connection.execute(report).one(), *connection.execute(boards).one())


def board_name(connection: Connection, board_id: int) -> str | None:
    """The board's name; None when there is no such board."""
    return connection.scalar(select(JobBoard.name).where(JobBoard.id == board_id))


def _rows(connection: Connection, query: Select[Any]) -> list[Row]:
    return [dict(row) for row in connection.execute(query).mappings()]


def _named(query: Select[Any], board_id: Any) -> Select[Any]:
    """`query` with the name of the board `board_id` refers to, as `board_name`."""
    return query.add_columns(JobBoard.name.label("board_name")).outerjoin(
        JobBoard, JobBoard.id == board_id
    )


def boards(connection: Connection, cut: str, *, ranked: bool = False) -> list[Row]:
    """Every board's row of the cut by id, or only the ranked ones by rank."""
    group = LifespanReportGroup
    query = _named(select(*group.__table__.columns), group.job_board_id).where(
        group.cut == cut, group.job_board_id.is_not(None)
    )
    if ranked:
        query = query.where(group.rank.is_not(None)).order_by(group.position)
    else:
        query = query.order_by(group.job_board_id)
    return _rows(connection, query)


def role_families(connection: Connection, cut: str, limit: int) -> list[Row]:
    """The cut's `limit` role families with the longest average lifespans, with the name of
    their most common board (`board_name`)."""
    group = LifespanReportGroup
    query = (
        _named(select(*group.__table__.columns), group.most_common_board_id)
        .where(group.cut == cut, group.role_family.is_not(None))
        .order_by(group.position)
        .limit(limit)
    )
    return _rows(connection, query)


def buckets(connection: Connection, cut: str, board_id: int | None) -> list[Row]:
    """The cut's bucket counts of one board, or of every board (None), shortest bucket first."""
    bucket = LifespanReportBucket
    board = bucket.job_board_id.is_(None) if board_id is None else bucket.job_board_id == board_id
    query = (
        select(*bucket.__table__.columns).where(bucket.cut == cut, board).order_by(bucket.min_days)
    )
    return _rows(connection, query)


def trend_end(connection: Connection, cut: str) -> date | None:
    """The cut's newest trend day (the report's as-of day); None without postings."""
    return connection.scalar(
        select(func.max(LifespanReportTrend.day)).where(LifespanReportTrend.cut == cut)
    )


def trends(
    connection: Connection, cut: str, board_id: int | None, since: date, offset: int, limit: int
) -> list[Row]:
    """Up to `limit` trend rows of the cut from `since` on, by day then board, from `offset`."""
    trend = LifespanReportTrend
    query = _named(select(*trend.__table__.columns), trend.job_board_id).where(
        trend.cut == cut, trend.day >= since
    )
    if board_id is not None:
        query = query.where(trend.job_board_id == board_id)
    query = query.order_by(trend.day, trend.job_board_id).offset(offset).limit(limit)
    return _rows(connection, query)
