"""/api/lifespan: the lifespan report, read from the tables the pipeline writes it into.

The `lifespan_metrics` asset computes the report once per run (`pipeline.lifespan_report`: the
metrics functions over every posting, per workplace cut) and replaces it whole; a GET reads a page
of it with indexed queries. Each answer is kept per query and report version (one small aggregate
query per GET, see docs/api.md "Caching"), so the monitor page's polling reads no rows while the
report is unchanged. The API process holds no postings.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine

from jobboard_assets.api.endpoints import Action, Endpoint, Handler, Params
from jobboard_assets.api.params import (
    ChoiceParam,
    board_id_param,
    days_param,
    known_board,
    limit_param,
    not_found,
    offset_param,
    second_board_id_param,
    window_start,
)
from jobboard_assets.api.responses import Encoded
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.pipeline.lifespan_report import ALL, WORKPLACE_CUTS
from jobboard_assets.warehouse.queries import lifespan_report_tables

DEFAULT_TREND_DAYS = 30
DEFAULT_ROLE_LIMIT = 20
MAX_TREND_ROWS = 1000

# lifespan_summary column -> field of a board's metrics (the LifespanMetrics shape)
_METRIC_FIELDS = {
    "job_board_id": "boardId",
    "board_name": "boardName",
    "postings": "totalPostings",
    "active_postings": "activePostings",
    "closed_postings": "closedPostings",
    "left_censored_postings": "leftCensoredPostings",
    "lifespan_mean_days": "avgLifespan",
    "lifespan_median_days": "medianLifespan",
    "lifespan_p25_days": "p25Lifespan",
    "lifespan_p75_days": "p75Lifespan",
    "lifespan_min_days": "minLifespan",
    "lifespan_max_days": "maxLifespan",
    "active_age_mean_days": "activeDaysAvg",
}
_RANK_FIELDS = {
    "rank": "rank",
    "percentile": "percentile",
    "km_median_days": "kmMedianDays",
    "km_median_reached": "kmMedianReached",
    "km_median_floor_days": "kmMedianFloorDays",
    "km_p75_days": "kmP75Days",
}
_TREND_FIELDS = {
    "day": "date",
    "job_board_id": "boardId",
    "board_name": "boardName",
    "active_postings": "activePostings",
    "new_postings": "newPostings",
    "disappeared_postings": "disappearedPostings",
    "active_age_mean_days": "activeAgeMeanDays",
}


_ROLE_FIELDS = {
    "role_family": "roleFamily",
    "lifespan_mean_days": "avgLifespan",
    "lifespan_median_days": "medianLifespan",
    "postings": "totalPostings",
    "distinct_boards": "distinctBoards",
    "board_name": "mostCommonBoard",
}
_BUCKET_FIELDS = {
    "bucket": "range",
    "min_days": "min",
    "max_days": "max",
    "postings": "count",
    "percentage": "percentage",
}

MAX_ANSWERS = 256
_ANSWERS: weakref.WeakKeyDictionary[Engine, OrderedDict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_ANSWERS_LOCK = threading.Lock()


def _remembered(engine: Engine, key: tuple[Any, ...], compute: Callable[[], Any]) -> Encoded:
    """`compute()` encoded, or the answer kept for `key` (at most MAX_ANSWERS per engine, least
    recently used first out). Errors are raised, never kept."""
    with _ANSWERS_LOCK:
        answers = _ANSWERS.setdefault(engine, OrderedDict())
        if key in answers:
            answers.move_to_end(key)
            return answers[key]
    result = Encoded(compute())
    with _ANSWERS_LOCK:
        answers[key] = result
        while len(answers) > MAX_ANSWERS:
            answers.popitem(last=False)
    return result


def _records(rows: list[dict[str, Any]], fields: dict[str, str]) -> list[dict[str, Any]]:
    """The rows' `fields`, renamed (the report is stored rounded as served)."""
    return [{field: row[column] for column, field in fields.items()} for row in rows]


def _known_board(connection: Connection, board_id: int | None) -> None:
    """A 400 for a `boardId` that is no board (one indexed lookup, not every board's name)."""
    if board_id is not None:
        name = lifespan_report_tables.board_name(connection, board_id)
        known_board(board_id, {} if name is None else {board_id: name})


def all_boards(connection: Connection, cut: str) -> list[dict[str, Any]]:
    """Lifespan statistics per board (closed postings seen from their first day)."""
    return _records(lifespan_report_tables.boards(connection, cut), _METRIC_FIELDS)


def ranked(connection: Connection, cut: str) -> list[dict[str, Any]]:
    """Boards by Kaplan-Meier median lifespan, shortest first, with their statistics."""
    return _records(
        lifespan_report_tables.boards(connection, cut, ranked=True),
        {**_RANK_FIELDS, **_METRIC_FIELDS},
    )


def _ranked_row(
    connection: Connection, rows: list[dict[str, Any]], board_id: int
) -> dict[str, Any]:
    """The board's row of the ranking; 400 for no board, 404 for a board without postings."""
    _known_board(connection, board_id)
    mine = [row for row in rows if row["boardId"] == board_id]
    if not mine:
        raise not_found(f"board {board_id} has no postings")
    return mine[0]


def percentile(connection: Connection, cut: str, board_id: int) -> dict[str, Any]:
    """One board's place in the lifespan ranking (100 = shortest lifespans)."""
    rows = ranked(connection, cut)
    row = _ranked_row(connection, rows, board_id)
    return {
        "boardId": board_id,
        "boardName": row["boardName"],
        "rank": row["rank"],
        "percentile": row["percentile"],
        "boardsRanked": len(rows),
        "kmMedianDays": row["kmMedianDays"],
        "kmMedianReached": row["kmMedianReached"],
        "avgLifespan": row["avgLifespan"],
    }


def compare(connection: Connection, cut: str, board_id: int, other: int) -> dict[str, Any]:
    """Two boards side by side: their statistics and places in the ranking (the specified compare)."""
    rows = ranked(connection, cut)
    return {
        "board1": _ranked_row(connection, rows, board_id),
        "board2": _ranked_row(connection, rows, other),
    }


def distribution(connection: Connection, cut: str, board_id: int | None) -> list[dict[str, Any]]:
    """Closed postings per day-9 bucket (0-7 ... 90+ days), of one board or of all; every
    bucket empty for a board without postings."""
    _known_board(connection, board_id)
    rows = lifespan_report_tables.buckets(connection, cut, board_id) or [
        {"bucket": label, "min_days": first, "max_days": last, "postings": 0, "percentage": None}
        for label, first, last in DEFAULT_SETTINGS.lifespan_buckets
    ]
    return _records(rows, _BUCKET_FIELDS)


def by_role(connection: Connection, cut: str, limit: int) -> list[dict[str, Any]]:
    """Role families by average closed lifespan, longest first, with their most common board."""
    return _records(lifespan_report_tables.role_families(connection, cut, limit), _ROLE_FIELDS)


def trends(
    connection: Connection, cut: str, board_id: int | None, days: int, offset: int = 0
) -> list[dict[str, Any]]:
    """Per board and day of the last `days` days: active, new and disappeared postings.

    At most MAX_TREND_ROWS rows from `offset` (1,000 boards x 365 days would be 365k rows); a
    page shorter than that is the last. One board's year fits one page.
    """
    _known_board(connection, board_id)
    as_of = lifespan_report_tables.trend_end(connection, cut)
    if as_of is None:
        return []
    since = window_start(as_of, days)
    rows = lifespan_report_tables.trends(connection, cut, board_id, since, offset, MAX_TREND_ROWS)
    return _records(rows, _TREND_FIELDS)


def _on_report(compute: Callable[[Connection, str, Params], Any]) -> Handler:
    """A handler answering from the report of the `workplaceType` cut (default: every posting),
    kept per report version and query."""

    def handler(engine: Engine, params: Params) -> Any:
        with engine.connect() as connection:
            key = (id(compute), lifespan_report_tables.version(connection), *sorted(params.items()))
            cut = params.get("workplaceType", ALL)
            return _remembered(engine, key, lambda: compute(connection, cut, params))

    return handler


LIFESPAN = Endpoint(
    path="/api/lifespan",
    summary="Posting lifespan metrics , from the report the pipeline precomputes",
    actions={
        "all": Action(
            _on_report(lambda connection, cut, _: all_boards(connection, cut)),
            "Lifespan statistics per board.",
            array_of("LifespanMetrics"),
        ),
        "ranked": Action(
            _on_report(lambda connection, cut, _: ranked(connection, cut)),
            "Boards ranked by Kaplan-Meier median lifespan, shortest first.",
            array_of("RankedLifespan"),
        ),
        "distribution": Action(
            _on_report(
                lambda connection, cut, params: distribution(connection, cut, params.get("boardId"))
            ),
            "Closed postings per lifespan bucket, of `boardId` or of every board.",
            array_of("LifespanBucket"),
        ),
        "by-role": Action(
            _on_report(
                lambda connection, cut, params: by_role(
                    connection, cut, params.get("limit", DEFAULT_ROLE_LIMIT)
                )
            ),
            f"Role families by average lifespan (top `limit`, default {DEFAULT_ROLE_LIMIT}).",
            array_of("RoleLifespan"),
        ),
        "trends": Action(
            _on_report(
                lambda connection, cut, params: trends(
                    connection,
                    cut,
                    params.get("boardId"),
                    params.get("days", DEFAULT_TREND_DAYS),
                    params.get("offset", 0),
                )
            ),
            f"Daily active/new/disappeared postings over `days` days (default {DEFAULT_TREND_DAYS}), "
            f"of `boardId` or of every board: at most {MAX_TREND_ROWS} rows from `offset`.",
            array_of("LifespanTrend"),
        ),
        "percentile": Action(
            _on_report(
                lambda connection, cut, params: percentile(connection, cut, params["boardId"])
            ),
            "One board's rank and percentile in the lifespan ranking.",
            ref("LifespanPercentile"),
            required=("boardId",),
        ),
        "compare": Action(
            _on_report(
                lambda connection, cut, params: compare(
                    connection, cut, params["boardId"], params["boardId2"]
                )
            ),
            "Two boards side by side: statistics, rank and percentile of each.",
            ref("LifespanComparison"),
            required=("boardId", "boardId2"),
        ),
    },
    params=(
        board_id_param(
            "distribution, trends (optional), percentile, compare (required): the board."
        ),
        second_board_id_param("compare: the other board."),
        days_param(f"trends: the window in days (default {DEFAULT_TREND_DAYS})."),
        limit_param(f"by-role: how many role families (default {DEFAULT_ROLE_LIMIT})."),
        offset_param(f"trends: the first row of the page of at most {MAX_TREND_ROWS} (default 0)."),
        ChoiceParam(
            "workplaceType",
            "every action: only the postings of this workplace type (the window stays the "
            "whole history's).",
            WORKPLACE_CUTS,
        ),
    ),
)
