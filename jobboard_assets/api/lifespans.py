"""/api/lifespan: day 9's lifespan reports, computed by the metrics functions over the postings.

No SQL here beyond loading the postings and boards frames. The reports describe the history as
of its newest observed day (the latest last_seen), with tracking starting on the earliest
first_seen, as the pipeline's scoring does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import polars.selectors as cs
from sqlalchemy import Engine

from jobboard_assets.api.endpoints import Action, Endpoint, Handler, Params
from jobboard_assets.api.params import (
    ChoiceParam,
    board_id_param,
    days_param,
    known_board,
    limit_param,
    not_found,
    second_board_id_param,
    window_start,
)
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.metrics import lifespans
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.sources.terms import WORKPLACE_TYPES
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets.warehouse.queries.scores import boards_frame

DEFAULT_TREND_DAYS = 30
DEFAULT_ROLE_LIMIT = 20
_COLUMNS = (
    "id",
    "job_board_id",
    "role_family",
    "first_seen",
    "last_seen",
    "is_active",
    "workplace_type",
)
_BOARD = "job_board_id"

# lifespan_summary column -> field of a board's metrics (day 9's LifespanMetrics)
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


@dataclass(frozen=True)
class PostingHistory:
    """The postings and board names, with the window the metrics see."""

    postings: pl.DataFrame
    boards: pl.DataFrame  # job_board_id, board_name
    as_of: date | None  # None: no postings yet
    tracking_start: date | None

    @property
    def board_names(self) -> dict[int, str]:
        return dict(self.boards.iter_rows())

    @property
    def window(self) -> dict[str, date]:
        return {"as_of": self.as_of, "tracking_start": self.tracking_start}  # type: ignore[dict-item]


def load_history(engine: Engine, workplace_type: str | None = None) -> PostingHistory:
    """Both frames, read once per request: every lifespan report is computed from them.

    `workplace_type` cuts the postings to remote, hybrid or on-site ones; the window stays the
    whole history's, so a cut is comparable with the whole.
    """
    postings = postings_frame(engine, _COLUMNS)
    boards = boards_frame(engine).select(job_board_id="id", board_name="name")
    empty = postings.is_empty()
    as_of = None if empty else postings["last_seen"].max()
    tracking_start = None if empty else postings["first_seen"].min()
    if workplace_type is not None:
        postings = postings.filter(pl.col("workplace_type") == workplace_type)
    return PostingHistory(
        postings=postings,
        boards=boards,
        as_of=as_of,  # type: ignore[arg-type]
        tracking_start=tracking_start,  # type: ignore[arg-type]
    )


def _records(frame: pl.DataFrame, fields: dict[str, str]) -> list[dict[str, Any]]:
    """The frame's `fields` renamed, floats rounded to 2 places and NaN as null."""
    return (
        frame.select(list(fields))
        .with_columns(cs.float().fill_nan(None).round(2))
        .rename(fields)
        .to_dicts()
    )


def _named(history: PostingHistory, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.join(history.boards, on=_BOARD, how="left")


def _of_board(history: PostingHistory, board_id: int | None) -> pl.DataFrame:
    if board_id is None:
        return history.postings
    known_board(board_id, history.board_names)
    return history.postings.filter(pl.col(_BOARD) == board_id)


def all_boards(history: PostingHistory) -> list[dict[str, Any]]:
    """Lifespan statistics per board (closed postings seen from their first day)."""
    if history.as_of is None:
        return []
    summary = lifespans.lifespan_summary(history.postings, _BOARD, **history.window)
    return _records(_named(history, summary), _METRIC_FIELDS)


def ranked(history: PostingHistory) -> list[dict[str, Any]]:
    """Boards by Kaplan-Meier median lifespan, shortest first, with their statistics."""
    if history.as_of is None:
        return []
    ranking = lifespans.lifespan_ranking(history.postings, _BOARD, **history.window)
    summary = lifespans.lifespan_summary(history.postings, _BOARD, **history.window)
    joined = _named(history, ranking.join(summary, on=_BOARD)).sort("rank", _BOARD)
    return _records(joined, {**_RANK_FIELDS, **_METRIC_FIELDS})


def _ranked_row(
    history: PostingHistory, rows: list[dict[str, Any]], board_id: int
) -> dict[str, Any]:
    """The board's row of the ranking; 400 for no board, 404 for a board without postings."""
    known_board(board_id, history.board_names)
    mine = [row for row in rows if row["boardId"] == board_id]
    if not mine:
        raise not_found(f"board {board_id} has no postings")
    return mine[0]


def percentile(history: PostingHistory, board_id: int) -> dict[str, Any]:
    """One board's place in the lifespan ranking (100 = shortest lifespans)."""
    rows = ranked(history)
    row = _ranked_row(history, rows, board_id)
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


def compare(history: PostingHistory, board_id: int, other_board_id: int) -> dict[str, Any]:
    """Two boards side by side: their statistics and places in the ranking (day 9's compare)."""
    rows = ranked(history)
    return {
        "board1": _ranked_row(history, rows, board_id),
        "board2": _ranked_row(history, rows, other_board_id),
    }


def distribution(history: PostingHistory, board_id: int | None = None) -> list[dict[str, Any]]:
    """Closed postings per day-9 bucket (0-7 ... 90+ days), of one board or of all."""
    postings = _of_board(history, board_id).with_columns(scope=pl.lit("all"))
    if history.as_of is None or postings.is_empty():
        buckets = pl.DataFrame(
            DEFAULT_SETTINGS.lifespan_buckets,
            schema={"bucket": pl.Utf8, "min_days": pl.Int64, "max_days": pl.Int64},
            orient="row",
        ).with_columns(postings=pl.lit(0, pl.Int64), percentage=pl.lit(None, pl.Float64))
    else:
        buckets = lifespans.lifespan_distribution(postings, "scope", **history.window)
    fields = {
        "bucket": "range",
        "min_days": "min",
        "max_days": "max",
        "postings": "count",
        "percentage": "percentage",
    }
    return _records(buckets, fields)


def by_role(history: PostingHistory, limit: int) -> list[dict[str, Any]]:
    """Role families by average closed lifespan, longest first, with their most common board."""
    postings = history.postings.filter(pl.col("role_family").is_not_null())
    if history.as_of is None or postings.is_empty():
        return []
    summary = lifespans.lifespan_summary(postings, "role_family", **history.window)
    boards = (
        _named(history, postings.group_by("role_family", _BOARD).agg(count=pl.len()))
        .group_by("role_family")
        .agg(
            distinct_boards=pl.len().cast(pl.Int64),
            most_common_board=pl.col("board_name")
            .sort_by(["count", _BOARD], descending=[True, False])
            .first(),
        )
    )
    joined = (
        summary.join(boards, on="role_family")
        .sort(["lifespan_mean_days", "role_family"], descending=[True, False], nulls_last=True)
        .head(limit)
    )
    fields = {
        "role_family": "roleFamily",
        "lifespan_mean_days": "avgLifespan",
        "lifespan_median_days": "medianLifespan",
        "postings": "totalPostings",
        "distinct_boards": "distinctBoards",
        "most_common_board": "mostCommonBoard",
    }
    return _records(joined, fields)


def trends(history: PostingHistory, board_id: int | None, days: int) -> list[dict[str, Any]]:
    """Per board and day of the last `days` days: active, new and disappeared postings."""
    postings = _of_board(history, board_id)
    if history.as_of is None or postings.is_empty():
        return []
    since = window_start(history.as_of, days)
    trend = lifespans.daily_trend(postings, _BOARD, as_of=history.as_of, since=since)
    return _records(_named(history, trend).sort("day", _BOARD), _TREND_FIELDS)


def _on_history(compute: Callable[[PostingHistory, Params], Any]) -> Handler:
    """A handler that loads the history frames, then computes from them."""

    def handler(engine: Engine, params: Params) -> Any:
        return compute(load_history(engine, params.get("workplaceType")), params)

    return handler


LIFESPAN = Endpoint(
    path="/api/lifespan",
    summary="Posting lifespan metrics (day 9), computed from the postings' history",
    actions={
        "all": Action(
            _on_history(lambda history, _: all_boards(history)),
            "Lifespan statistics per board.",
            array_of("LifespanMetrics"),
        ),
        "ranked": Action(
            _on_history(lambda history, _: ranked(history)),
            "Boards ranked by Kaplan-Meier median lifespan, shortest first.",
            array_of("RankedLifespan"),
        ),
        "distribution": Action(
            _on_history(lambda history, params: distribution(history, params.get("boardId"))),
            "Closed postings per lifespan bucket, of `boardId` or of every board.",
            array_of("LifespanBucket"),
        ),
        "by-role": Action(
            _on_history(
                lambda history, params: by_role(history, params.get("limit", DEFAULT_ROLE_LIMIT))
            ),
            f"Role families by average lifespan (top `limit`, default {DEFAULT_ROLE_LIMIT}).",
            array_of("RoleLifespan"),
        ),
        "trends": Action(
            _on_history(
                lambda history, params: trends(
                    history, params.get("boardId"), params.get("days", DEFAULT_TREND_DAYS)
                )
            ),
            f"Daily active/new/disappeared postings over `days` days (default {DEFAULT_TREND_DAYS}), "
            "of `boardId` or of every board.",
            array_of("LifespanTrend"),
        ),
        "percentile": Action(
            _on_history(lambda history, params: percentile(history, params["boardId"])),
            "One board's rank and percentile in the lifespan ranking.",
            ref("LifespanPercentile"),
            required=("boardId",),
        ),
        "compare": Action(
            _on_history(
                lambda history, params: compare(history, params["boardId"], params["boardId2"])
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
        ChoiceParam(
            "workplaceType",
            "every action: only the postings of this workplace type (the window stays the "
            "whole history's).",
            WORKPLACE_TYPES,
        ),
    ),
)
