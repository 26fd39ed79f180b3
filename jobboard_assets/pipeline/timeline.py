"""Which days a history run computes, and what each day sees of the history.

A day's metrics describe the postings seen in its window (`in_window`), as the history stood at
the end of that day (`as_of`); a run computes its partition days and every later day they change
(`days_to_refresh`). Lifespans, reposts and scores, the analytics and the lifespan report all read these.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import Engine

from jobboard_assets.metrics.observations import OBSERVED_SINCE, tracking_periods
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import analytics_tables as analytics_queries
from jobboard_assets.warehouse.queries import listings as listing_queries
from jobboard_assets.warehouse.queries import snapshots as snapshot_queries


def window_start(day: date, settings: MetricsSettings = DEFAULT_SETTINGS) -> date:
    """The first day of the metrics window of `day` (`MetricsSettings.metrics_lookback_days`)."""
    return day - timedelta(days=settings.metrics_lookback_days - 1)


def board_tracking_periods(
    engine: Engine, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """Each board's tracking starts (`observations.tracking_periods`) from its observed days:
    what the scores, `lifespan_metrics` and the lifespan report all count the stock from."""
    return tracking_periods(
        snapshot_queries.observed_days_frame(engine), max_gap_days=settings.tracking_gap_days
    )


def in_window(
    history: pl.DataFrame, day: date, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """The postings of a history as of `day` (`as_of`) that `day`'s metrics describe: those seen
    in its window, with the window's first day as `observed_since` (delayed entry, see
    `metrics.observations.posting_observations`)."""
    since = window_start(day, settings)
    return history.filter(pl.col("last_seen") >= since).with_columns(
        pl.lit(since).alias(OBSERVED_SINCE)
    )


def as_of(postings_frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """The history as it stood at the end of `day`: what a score computed that day saw.

    A backfill scores past days after later days were merged; a posting seen on or after `day`
    was still active then, and its lifespan so far ends at `day`. A reappeared posting (its
    spans in `span_firsts` / `span_lasts`, its disappearances in `gone_days`) is cut at its
    last span that started by `day`: if that span ended before `day`, the posting had
    disappeared on the day after it, whatever later days listed it again. So a day's history
    depends only on the observations up to the board's next observed day after it, and a run
    refreshes exactly the days it can change (`days_to_refresh`).
    """
    first_seen, last_seen = pl.col("first_seen"), pl.col("last_seen")
    seen = postings_frame.filter(first_seen <= day)
    if "span_firsts" in seen.columns:
        started = pl.col("span_firsts").list.eval(pl.element() <= day).list.sum() - 1
        seen = seen.with_columns(
            last_seen=pl.coalesce(pl.col("span_lasts").list.get(started), last_seen),
            disappeared_at=pl.coalesce(
                pl.col("gone_days").list.get(started, null_on_oob=True),
                pl.col("disappeared_at"),
            ),
        )
    return seen.with_columns(
        is_active=last_seen >= day,
        disappeared_at=pl.when(last_seen >= day).then(None).otherwise(pl.col("disappeared_at")),
        last_seen=pl.min_horizontal(last_seen, pl.lit(day)),
    )


def days_to_refresh(engine: Engine, days: list[date]) -> list[date]:
    """The days a daily phase must compute: `days`, every day after them up to the latest
    observed, fetched or computed day, and the days since the previous observed day of each
    board observed on them. A fetched day no board of which was believed has no daily rows yet
    (no posting was seen by then) but was computed: once earlier days are applied it has some.

    A backfill of earlier days changes the history of the later ones, so their daily rows follow
    in the same run, however it was launched (`jobboard backfill`, the sensor, or
    `dagster asset materialize --partition-range` over earlier days). A board-day applied after
    a gap in its board's observations changes the days of that gap too: the postings its
    previous observed day listed were still open on them (as of those days they had not been
    seen since). So does an earlier day that the arrival of `days` applied or withdrew
    (`metrics.belief`). A daily run after a day observed everywhere adds nothing to `days`.
    """
    if not days:
        return []
    with session_scope(engine) as session:
        latest = [
            snapshot_queries.latest_observed_day(session),
            listing_queries.latest_fetched_day(session),
            analytics_queries.latest_metric_day(session),
        ]
        previous = snapshot_queries.earliest_previous_observed_day(session, days)
        redecided = listing_queries.earliest_redecided_change(session, days)
    first = min(days) if previous is None else min(min(days), previous + timedelta(days=1))
    first = first if redecided is None else min(first, redecided)
    last = max(day for day in (*days, *latest) if day is not None)
    return sorted({*days, *(first + timedelta(days=n) for n in range((last - first).days + 1))})
