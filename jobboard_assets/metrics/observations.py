"""Per-posting observation columns every lifespan metric starts from.

Lifespans are anchored on our own observations (first_seen / last_seen), never on the board's
`posted_at`. Tracking starts per board: on its first observed day, and again after a gap in its
observations longer than `MetricsSettings.tracking_gap_days`. A posting first seen on a tracking
start was probably already open (the standing stock): it is left-truncated, its start unknown,
its observed lifespan only a lower bound, and it is left out of the survival estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings

GroupKeys = str | Sequence[str]


def group_keys(by: GroupKeys) -> list[str]:
    """`by` as a list of column names, so one function serves "job_board_id" and a list."""
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise ValueError("by must name at least one column")
    return keys


def days_between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
    """Whole days from `start` to `end` (both dates)."""
    return (end - start).dt.total_days()


TRACKING_START = "tracking_start"
"""The column a postings frame may carry: its board's tracking start for that posting."""

OBSERVED_SINCE = "observed_since"
"""The column a postings frame may carry: the first day of the window the metrics describe
(`MetricsSettings.metrics_lookback_days`); a posting open before it enters the survival
estimate on that day."""


def tracking_periods(observed_days: pl.DataFrame, *, max_gap_days: int) -> pl.DataFrame:
    """`job_board_id`, `tracking_start`: each board's first observed day, and the first observed
    day after every gap longer than `max_gap_days` (from `job_board_id`, `day` rows)."""
    gap = pl.col("day").diff().over("job_board_id", order_by="day").dt.total_days()
    return (
        observed_days.select(pl.col("job_board_id").cast(pl.Int64), "day")
        .unique()
        .sort("job_board_id", "day")
        .filter(gap.is_null() | (gap > max_gap_days))
        .select("job_board_id", tracking_start="day")
    )


def with_tracking_start(postings: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """The postings (in their order) with `tracking_start`: the start of their board's tracking
    period in which they were first seen; for a board without observed days, its first
    first_seen."""
    frame = postings.drop(TRACKING_START, strict=False).with_columns(
        pl.col("job_board_id").cast(pl.Int64)
    )
    # Sorted and joined on the two columns it needs, then attached in the postings' order: the
    # whole frame sorted twice was three copies of every posting (0.3 s at 1.04M).
    keys = frame.select("job_board_id", "first_seen").with_row_index("_order").sort("first_seen")
    joined = keys.join_asof(
        periods.sort("tracking_start"),
        left_on="first_seen",
        right_on="tracking_start",
        by="job_board_id",
        strategy="backward",
        check_sortedness=False,  # sorted above; polars cannot check it within groups
    )
    board_start = pl.col("first_seen").min().over("job_board_id")
    starts = joined.select(
        "_order", pl.coalesce(TRACKING_START, board_start).alias(TRACKING_START)
    ).sort("_order")
    return frame.with_columns(starts[TRACKING_START])


def posting_observations(
    postings: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.LazyFrame:
    """The postings with the columns lifespan and survival metrics share.

    - `lifespan_days`: last_seen - first_seen, for every posting (for an active one, so far);
    - `age_days`: as_of - first_seen, the age of a posting that is still open;
    - `is_closed`: the posting has disappeared;
    - `left_censored`: first seen on (or before) its board's tracking start (`tracking_start`,
      or the frame's `tracking_start` column when None): standing stock, left-truncated;
    - `entry_days` / `duration_days` / `event`: the survival view. A posting seen to open
      enters at 0 and closes at its lifespan (event) or is censored at its age. A stock posting
      enters late (delayed entry), at its age on its first day seen by the board's own date,
      when that date can be trusted: its board re-stamps at most `max_restamped_share` of its
      dated postings (a board date more than `restamp_margin_days` after our first sighting is
      a re-stamp) and the date is not after the first sighting; its duration is then counted from the board date. Otherwise
      its start is unknown and `entry_days` is null: it is left out of the estimate.
      With an `observed_since` column (the window's first day), a posting that started before
      it enters at its age on that day instead (delayed entry: it is counted at risk only at
      the ages the window saw it); the frame holds no posting that closed before the window.
    """
    lifespan = days_between(pl.col("first_seen"), pl.col("last_seen"))
    age = days_between(pl.col("first_seen"), pl.lit(as_of))
    closed = ~pl.col("is_active")
    start = pl.col(TRACKING_START) if tracking_start is None else pl.lit(tracking_start)
    left_censored = pl.col("first_seen") <= start
    frame = postings.lazy()
    if "posted_at" in frame.collect_schema():
        board_date = pl.col("posted_at").dt.date()
        age_at_entry = days_between(board_date, pl.col("first_seen"))
        late = age_at_entry < -settings.restamp_margin_days
        restamped = late.cast(pl.Int64).sum().over("job_board_id")
        dated = board_date.is_not_null().cast(pl.Int64).sum().over("job_board_id")
        trusted = restamped <= settings.max_restamped_share * dated
        stock_entry: pl.Expr = pl.when(trusted & (age_at_entry >= 0)).then(age_at_entry)
    else:
        board_date = pl.lit(None, dtype=pl.Date)
        stock_entry = pl.lit(None, dtype=pl.Int64)
    entry = pl.when(left_censored).then(stock_entry).otherwise(0)
    if OBSERVED_SINCE in frame.collect_schema():
        start_day = pl.when(left_censored).then(board_date).otherwise(pl.col("first_seen"))
        age_on_window_start = days_between(start_day, pl.col(OBSERVED_SINCE))
        entry = pl.when(entry.is_not_null()).then(pl.max_horizontal(entry, age_on_window_start))
    end = pl.when(closed).then(pl.col("last_seen")).otherwise(pl.lit(as_of))
    duration = (
        pl.when(left_censored)
        .then(days_between(board_date, end))
        .otherwise(days_between(pl.col("first_seen"), end))
    )
    return frame.with_columns(
        lifespan_days=lifespan,
        age_days=age,
        is_closed=closed,
        left_censored=left_censored,
        entry_days=entry,
    ).with_columns(
        duration_days=pl.when(pl.col("entry_days").is_not_null()).then(duration),
        event=closed & pl.col("entry_days").is_not_null(),
    )
