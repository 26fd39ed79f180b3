"""Kaplan-Meier survival of postings, vectorised per group.

Averaging only closed postings is biased: the postings still open are the long ones, and
evergreen ghost postings never close. Kaplan-Meier counts open postings as censored at their
current age. At a time with both events and censorings the events come first (the censored
postings are still at risk at that time), the usual textbook convention.

The median is the first time the curve is at or below 0.5; p75 (the time by which 75% of
postings have closed) the first time at or below 0.25. A null median means the curve never
dropped to 0.5: more than half of the postings never closed within the observed window, so the
median is only known to exceed the longest follow-up (`km_median_floor_days`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jobboard_assets.metrics.observations import (
    GroupKeys,
    group_keys,
    posting_observations,
)

# Products of (1 - d/n) can land a hair above 0.5 when the true value is exactly 0.5.
_SURVIVAL_TOLERANCE = 1e-9


def kaplan_meier(
    observations: pl.DataFrame | pl.LazyFrame,
    by: GroupKeys,
    *,
    duration: str = "duration_days",
    event: str = "event",
) -> pl.DataFrame:
    """The survival curve per group: one row per distinct observed time.

    Columns: by..., `time`, `at_risk` (observed at least `time`: still open just before it),
    `events`, `censored`, `survival` (S(time) = product over times <= `time` of
    1 - events / at_risk).
    """
    keys = group_keys(by)
    leaving = pl.col("events") + pl.col("censored")
    return (
        observations.lazy()
        .group_by(*keys, pl.col(duration).alias("time"))
        .agg(
            events=pl.col(event).sum().cast(pl.Int64),
            censored=(~pl.col(event)).sum().cast(pl.Int64),
        )
        .with_columns(at_risk=leaving.cum_sum(reverse=True).over(keys, order_by="time"))
        .with_columns(
            survival=(1.0 - pl.col("events") / pl.col("at_risk"))
            .cum_prod()
            .over(keys, order_by="time")
        )
        .select(*keys, "time", "at_risk", "events", "censored", "survival")
        .sort(*keys, "time")
        .collect()
    )


def survival_quantiles(curve: pl.DataFrame, by: GroupKeys) -> pl.DataFrame:
    """Median and p75 per group from `kaplan_meier` output.

    Columns: by..., `observed` (postings), `events`, `followup_max_days` (longest observed
    time), `km_median_days` / `km_p75_days` (null when not reached), `km_median_reached`,
    `km_median_floor_days` (the median, or the longest follow-up it is known to exceed).
    """
    keys = group_keys(by)

    def first_time_at_or_below(level: float) -> pl.Expr:
        return pl.col("time").filter(pl.col("survival") <= level + _SURVIVAL_TOLERANCE).min()

    return (
        curve.group_by(keys)
        .agg(
            observed=pl.col("at_risk").max(),
            events=pl.col("events").sum(),
            followup_max_days=pl.col("time").max(),
            km_median_days=first_time_at_or_below(0.5),
            km_p75_days=first_time_at_or_below(0.25),
        )
        .with_columns(
            km_median_reached=pl.col("km_median_days").is_not_null(),
            km_median_floor_days=pl.coalesce("km_median_days", "followup_max_days"),
        )
        .sort(keys)
    )


def posting_survival_curve(
    postings: pl.DataFrame | pl.LazyFrame, by: GroupKeys, *, as_of: date, tracking_start: date
) -> pl.DataFrame:
    """Kaplan-Meier curve of posting lifespans per group (see `posting_observations`)."""
    observations = posting_observations(postings, as_of=as_of, tracking_start=tracking_start)
    return kaplan_meier(observations, by)


def posting_survival_summary(
    postings: pl.DataFrame | pl.LazyFrame, by: GroupKeys, *, as_of: date, tracking_start: date
) -> pl.DataFrame:
    """KM median / p75 of posting lifespans per group (columns of `survival_quantiles`)."""
    curve = posting_survival_curve(postings, by, as_of=as_of, tracking_start=tracking_start)
    return survival_quantiles(curve, by)
