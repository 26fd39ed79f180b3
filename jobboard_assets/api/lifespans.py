"""/api/lifespan: day 9's lifespan reports, computed by the metrics functions over the postings.

No SQL here beyond loading the postings and boards frames and fingerprinting them. The reports
describe the history as of its newest observed day (the latest last_seen), with tracking starting
on the earliest first_seen, as the pipeline's scoring does.

A GET does not reload the history: the frames are kept per engine and reloaded only when an
aggregate fingerprint of the postings and boards changes (checked at most every
`config.api_cache_seconds()`), and each answer is kept per fingerprint and query, so the monitor
page's polling costs one aggregate query at most, not a full read (docs/api.md, "Caching").
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
import polars.selectors as cs
from sqlalchemy import Engine, func, select

from jobboard_assets import config
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
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.metrics import lifespans
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, Window
from jobboard_assets.sources.terms import WORKPLACE_TYPES
from jobboard_assets.warehouse.models import JobBoard, JobPosting
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets.warehouse.queries.scores import boards_frame

DEFAULT_TREND_DAYS = 30
DEFAULT_ROLE_LIMIT = 20
MAX_TREND_ROWS = 1000
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
    def window(self) -> Window:
        """`as_of` and `tracking_start` for the lifespan functions; callers check `as_of` first."""
        if self.as_of is None:
            raise ValueError("no postings yet: the history has no window")
        return {"as_of": self.as_of, "tracking_start": self.tracking_start}


def load_history(engine: Engine) -> PostingHistory:
    """Both frames, read in full: every lifespan report is computed from them."""
    postings = postings_frame(engine, _COLUMNS)
    boards = boards_frame(engine).select(job_board_id="id", board_name="name")
    last, first = postings["last_seen"].max(), postings["first_seen"].min()  # None if empty
    return PostingHistory(
        postings=postings,
        boards=boards,
        as_of=last if isinstance(last, date) else None,
        tracking_start=first if isinstance(first, date) else None,
    )


def cut(history: PostingHistory, workplace_type: str | None) -> PostingHistory:
    """Only the remote, hybrid or on-site postings; the window stays the whole history's, so a
    cut is comparable with the whole."""
    if workplace_type is None:
        return history
    return PostingHistory(
        postings=history.postings.filter(pl.col("workplace_type") == workplace_type),
        boards=history.boards,
        as_of=history.as_of,
        tracking_start=history.tracking_start,
    )


def fingerprint(engine: Engine) -> tuple[Any, ...]:
    """Aggregates that change when a day's run or a backfill changes what the reports see:
    postings added (count, max id), a new day observed (max last_seen, min first_seen), postings
    closed (active count), classified (role and workplace counts); boards added or renamed (count,
    max id, total name length). One aggregate query per table, no rows sent.
    """
    postings = select(
        func.count(),
        func.max(JobPosting.id),
        func.max(JobPosting.last_seen),
        func.min(JobPosting.first_seen),
        func.count().filter(JobPosting.is_active),
        func.count(JobPosting.role_family),
        func.count(JobPosting.workplace_type),
    )
    boards = select(func.count(), func.max(JobBoard.id), func.sum(func.length(JobBoard.name)))
    with engine.connect() as connection:
        return (*connection.execute(postings).one(), *connection.execute(boards).one())


@dataclass
class _Memo:
    """One engine's loaded history and answers, with the fingerprint they were computed at."""

    checked_at: float = float("-inf")
    version: tuple[Any, ...] | None = None
    history: PostingHistory | None = None
    answers: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards the fields above
    refresh: threading.Lock = field(default_factory=threading.Lock)  # the one checking request


MAX_ANSWERS = 256
_MEMOS: weakref.WeakKeyDictionary[Engine, _Memo] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def _refresh(engine: Engine, memo: _Memo) -> None:
    """Reload the history if the fingerprint changed (the caller holds `memo.refresh`)."""
    version = fingerprint(engine)
    if version != memo.version or memo.history is None:
        history = load_history(engine)
        with memo.lock:
            memo.version, memo.history = version, history
            memo.answers.clear()
    memo.checked_at = time.monotonic()


def _current(engine: Engine, memo: _Memo) -> tuple[tuple[Any, ...] | None, PostingHistory]:
    """The history to answer from, with its version.

    The first request loads it while the others wait (one read of every posting, not one each:
    eight concurrent requests took 1.1 GB before). Afterwards one request at a time checks the
    fingerprint and reloads on a change, while the others answer from the history they have.
    """
    if memo.history is None:
        with memo.refresh:
            if memo.history is None:
                _refresh(engine, memo)
    elif time.monotonic() - memo.checked_at >= config.api_cache_seconds() and memo.refresh.acquire(
        blocking=False
    ):
        try:
            _refresh(engine, memo)
        finally:
            memo.refresh.release()
    with memo.lock:
        assert memo.history is not None
        return memo.version, memo.history


def answer(engine: Engine, key: tuple[Any, ...], compute: Callable[[PostingHistory], Any]) -> Any:
    """`compute` over the engine's history, from the memo while the postings are unchanged."""
    with _MEMOS_LOCK:
        memo = _MEMOS.setdefault(engine, _Memo())
    version, history = _current(engine, memo)
    with memo.lock:
        if key in memo.answers:
            memo.answers.move_to_end(key)
            return memo.answers[key]
    result = compute(history)
    with memo.lock:
        if memo.version == version:  # not computed over a history replaced meanwhile
            memo.answers[key] = result
            while len(memo.answers) > MAX_ANSWERS:
                memo.answers.popitem(last=False)
    return result


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


def trends(
    history: PostingHistory, board_id: int | None, days: int, offset: int = 0
) -> list[dict[str, Any]]:
    """Per board and day of the last `days` days: active, new and disappeared postings.

    At most MAX_TREND_ROWS rows from `offset` (1,000 boards x 365 days would be 365k rows, and
    every request encodes its page anew); a page shorter than that is the last. One board's
    year fits one page.
    """
    postings = _of_board(history, board_id)
    if history.as_of is None or postings.is_empty():
        return []
    since = window_start(history.as_of, days)
    trend = lifespans.daily_trend(postings, _BOARD, as_of=history.as_of, since=since)
    page = _named(history, trend).sort("day", _BOARD).slice(offset, MAX_TREND_ROWS)
    return _records(page, _TREND_FIELDS)


def _on_history(compute: Callable[[PostingHistory, Params], Any]) -> Handler:
    """A handler that computes from the (memoised) history frames, cut by `workplaceType`."""

    def handler(engine: Engine, params: Params) -> Any:
        key = (id(compute), *sorted(params.items()))
        return answer(
            engine,
            key,
            lambda history: compute(cut(history, params.get("workplaceType")), params),
        )

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
                    history,
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
        offset_param(f"trends: the first row of the page of at most {MAX_TREND_ROWS} (default 0)."),
        ChoiceParam(
            "workplaceType",
            "every action: only the postings of this workplace type (the window stays the "
            "whole history's).",
            WORKPLACE_TYPES,
        ),
    ),
)
