"""The lifespan report as `/api/lifespan` serves it, computed once per run, not per request.

The report describes the history as of its newest observed day (the latest last_seen): the
postings of that day's metrics window (seen in its last year, `timeline.in_window`) as the scores
see them, with each board's own tracking periods (`observations.tracking_periods`: a board added
later is not tracked from the warehouse's first day) and its standing stock entering late by its
board date, so a board's median here is its score's median of that day. It is computed for every
posting and for each workplace type alone (a "cut"; the window stays the whole history's, so a
cut compares with the whole), by the functions of `jobboard_assets.metrics`, rounded as the API
serves it, and replaces the previous report in one transaction. Trends are kept for the API's
longest window (the newest `TREND_DAYS` days).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import polars.selectors as cs
from sqlalchemy import Engine

from jobboard_assets.metrics import lifespan_stats
from jobboard_assets.metrics.observations import TRACKING_START, with_tracking_start
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings, Window
from jobboard_assets.pipeline.timeline import board_tracking_periods, in_window
from jobboard_assets.sources.terms import WORKPLACE_TYPES
from jobboard_assets.warehouse.models import (
    Base,
    LifespanReportBucket,
    LifespanReportGroup,
    LifespanReportTrend,
)
from jobboard_assets.warehouse.queries import analytics_tables as analytics_queries
from jobboard_assets.warehouse.queries.postings import postings_frame

ALL = "all"
WORKPLACE_CUTS = WORKPLACE_TYPES
"""The workplace types the report is cut by (besides `ALL`): what `/api/lifespan` accepts."""
CUTS = (ALL, *WORKPLACE_CUTS)
"""Every posting, then each workplace type alone."""

TREND_DAYS = 365
"""The longest trends window the API accepts (its `days` parameter)."""

COLUMNS = (
    "id",
    "job_board_id",
    "role_family",
    "first_seen",
    "last_seen",
    "is_active",
    "workplace_type",
    "posted_at",
)
"""What the report reads of a posting (the board date: when the standing stock enters)."""

BOARD = "job_board_id"
ROLE_FAMILY = "role_family"
_RANK_COLUMNS = (
    "rank",
    "percentile",
    "km_median_days",
    "km_median_reached",
    "km_median_floor_days",
    "km_p75_days",
)


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    """Floats to 2 places and NaN as null, as the API has always shown them."""
    return frame.with_columns(cs.float().fill_nan(None).round(2))


def _boards(postings: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Every board's statistics with its place in the Kaplan-Meier ranking (null: unranked)."""
    summary = lifespan_stats.lifespan_summary(postings, BOARD, **window)
    ranking = lifespan_stats.lifespan_ranking(postings, BOARD, **window).select(
        BOARD, *_RANK_COLUMNS
    )
    return (
        summary.join(ranking, on=BOARD, how="left")
        .sort(pl.col("rank"), BOARD, nulls_last=True)
        .with_row_index("position")
    )


def _role_families(postings: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Role families' statistics, longest average lifespan first, with their boards: how many
    and the one with most postings (the lowest id among equals)."""
    classified = postings.filter(pl.col(ROLE_FAMILY).is_not_null())
    if classified.is_empty():
        return pl.DataFrame()  # no rows (and no columns) to stack
    summary = lifespan_stats.lifespan_summary(classified, ROLE_FAMILY, **window)
    boards = (
        classified.group_by(ROLE_FAMILY, BOARD)
        .agg(count=pl.len())
        .group_by(ROLE_FAMILY)
        .agg(
            distinct_boards=pl.len().cast(pl.Int64),
            most_common_board_id=pl.col(BOARD)
            .sort_by(["count", BOARD], descending=[True, False])
            .first(),
        )
    )
    return (
        summary.join(boards, on=ROLE_FAMILY)
        .sort(["lifespan_mean_days", ROLE_FAMILY], descending=[True, False], nulls_last=True)
        .with_row_index("position")
    )


def _buckets(postings: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Each board's bucket counts and every board's together (job_board_id null)."""
    of_boards = lifespan_stats.lifespan_distribution(postings, BOARD, **window)
    together = lifespan_stats.lifespan_distribution(
        postings.with_columns(pl.lit(None, pl.Int64).alias(BOARD)), BOARD, **window
    )
    return pl.concat([together, of_boards])


def _trends(postings: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Each board's daily trend over the newest TREND_DAYS days."""
    since = as_of - timedelta(days=TREND_DAYS - 1)
    return lifespan_stats.daily_trend(postings, BOARD, as_of=as_of, since=since)


def report_window(postings: pl.DataFrame) -> Window | None:
    """The report's window: the newest last_seen, tracking from each posting's
    `tracking_start` column; None without postings."""
    as_of = postings["last_seen"].max()
    if not isinstance(as_of, date):
        return None
    return {"as_of": as_of, "tracking_start": None}


def lifespan_report(
    postings: pl.DataFrame, settings: MetricsSettings = DEFAULT_SETTINGS
) -> dict[type[Base], pl.DataFrame]:
    """The report's rows per table, every cut's stacked with its `cut` column: the postings
    (`COLUMNS` and their board's `tracking_start`) of the newest day's metrics window
    (`timeline.in_window`)."""
    frames: dict[type[Base], list[pl.DataFrame]] = {
        LifespanReportGroup: [],
        LifespanReportBucket: [],
        LifespanReportTrend: [],
    }
    window = report_window(postings)
    if window is None:
        return {model: pl.DataFrame() for model in frames}
    postings = in_window(postings, window["as_of"], settings)
    for cut in CUTS:
        of_cut = postings if cut == ALL else postings.filter(pl.col("workplace_type") == cut)
        if of_cut.is_empty():
            continue
        computed: dict[type[Base], list[pl.DataFrame]] = {
            LifespanReportGroup: [_boards(of_cut, window), _role_families(of_cut, window)],
            LifespanReportBucket: [_buckets(of_cut, window)],
            LifespanReportTrend: [_trends(of_cut, window["as_of"])],
        }
        for model, parts in computed.items():
            frames[model] += [
                _rounded(part).with_columns(cut=pl.lit(cut)) for part in parts if part.height
            ]
    return {
        model: pl.concat(parts, how="diagonal") if parts else pl.DataFrame()
        for model, parts in frames.items()
    }


def update_lifespan_report(
    engine: Engine,
    postings: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> dict[str, int]:
    """Compute the report from `postings` (a run's frame, holding its newest day's window and
    each posting's `tracking_start`; default: every posting in the warehouse, with the tracking
    starts of its boards' observed days) and make the tables hold it. Returns the rows written
    (inserted) per table."""
    if postings is None:
        periods = board_tracking_periods(engine, settings)
        frame = with_tracking_start(postings_frame(engine, COLUMNS), periods)
    else:
        frame = postings.select(*COLUMNS, TRACKING_START)
    report = lifespan_report(frame, settings)
    groups: dict[type[Base], pl.DataFrame] = {LifespanReportGroup: report.pop(LifespanReportGroup)}
    # The groups change on every run (ages grow) and are few: rewritten, their write time is the
    # report's version. A day's run changes a few thousand of the 365k trend rows at 1M postings
    # (the new day, the day leaving the window): only those are written.
    written = analytics_queries.replace_and_sync(engine, groups, report)
    return {model.__tablename__: rows for model, rows in written.items()}
