"""Kaplan-Meier survival of postings, vectorised per group.

Averaging only closed postings is biased: the postings still open are the long ones, and
evergreen ghost postings never close. Kaplan-Meier counts open postings as censored at their
current age. The standing stock (postings already open when tracking started: left-truncated,
their start unknown) is left out: at risk from day 0 it would dilute the hazard of the postings
seen to open and push the median out for months (docs/metrics.md). At a time with both events and censorings the events come first (the censored
postings are still at risk at that time), the usual textbook convention.

The median is the first time the curve is at or below 0.5; p75 (the time by which 75% of
postings have closed) the first time at or below 0.25. A null median means the curve never
dropped to 0.5: more than half of the postings never closed within the observed window, so the
median is only known to exceed the longest follow-up (`km_median_floor_days`).

The median's 95% confidence interval uses Greenwood's variance of S(t) (Brookmeyer-Crowley
style): the times at which S(t) -/+ 1.96 x se(t) first reaches 0.5.
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
_Z95 = 1.959964


def kaplan_meier(
    observations: pl.DataFrame | pl.LazyFrame,
    by: GroupKeys,
    *,
    duration: str = "duration_days",
    event: str = "event",
    entry: str | None = None,
) -> pl.DataFrame:
    """The survival curve per group: one row per distinct time a posting closed or was censored.

    With `entry` (delayed entry, for left-truncated postings), a posting is at risk from its
    entry time on: at_risk(t) = postings with entry <= t <= duration.
    Columns: by..., `time`, `at_risk` (under observation at `time`: still open just before it),
    `events`, `censored`, `survival` (S(time) = product over times <= `time` of
    1 - events / at_risk), `survival_se` (Greenwood's standard error of S(time); infinite
    once every posting at risk has closed).
    """
    keys = group_keys(by)
    lazy = observations.lazy()
    leaving = pl.col("events") + pl.col("censored")
    exits = lazy.group_by(*keys, pl.col(duration).alias("time")).agg(
        events=pl.col(event).sum().cast(pl.Int64),
        censored=(~pl.col(event)).sum().cast(pl.Int64),
        entering=pl.lit(0, dtype=pl.Int64),
    )
    if entry is None:
        times = exits
    else:
        entries = lazy.group_by(*keys, pl.col(entry).alias("time")).agg(
            events=pl.lit(0, dtype=pl.Int64),
            censored=pl.lit(0, dtype=pl.Int64),
            entering=pl.len().cast(pl.Int64),
        )
        times = (
            pl.concat([exits, entries])
            .group_by(*keys, "time")
            .agg(pl.col("events", "censored", "entering").sum())
        )
    # Leaving at or after t, minus entering strictly after t.
    entering_later = pl.col("entering").cum_sum(reverse=True) - pl.col("entering")
    return (
        times.with_columns(
            at_risk=(leaving.cum_sum(reverse=True) - entering_later).over(keys, order_by="time")
        )
        .filter(leaving > 0)
        .with_columns(
            survival=(1.0 - pl.col("events") / pl.col("at_risk"))
            .cum_prod()
            .over(keys, order_by="time")
        )
        .with_columns(
            greenwood=(
                pl.col("events") / (pl.col("at_risk") * (pl.col("at_risk") - pl.col("events")))
            )
            .cum_sum()
            .over(keys, order_by="time")
        )
        .with_columns(survival_se=pl.col("survival") * pl.col("greenwood").sqrt())
        .select(*keys, "time", "at_risk", "events", "censored", "survival", "survival_se")
        .sort(*keys, "time")
        .collect()
    )


def survival_quantiles(curve: pl.DataFrame, by: GroupKeys) -> pl.DataFrame:
    """Median and p75 per group from `kaplan_meier` output.

    Columns: by..., `observed` (postings), `events`, `followup_max_days` (longest observed
    time), `km_median_days` / `km_p75_days` (null when not reached), `km_median_reached`,
    `km_median_floor_days` (the median, or the longest follow-up it is known to exceed),
    `km_median_ci_low_days` / `km_median_ci_high_days` (95%, null when not reached).
    """
    keys = group_keys(by)

    def first_time_at_or_below(level: float, curve: pl.Expr | None = None) -> pl.Expr:
        """The first time `curve` (the survival estimate unless given) is at or below `level`."""
        survival = pl.col("survival") if curve is None else curve
        return pl.col("time").filter(survival <= level + _SURVIVAL_TOLERANCE).min()

    margin = (_Z95 * pl.col("survival_se")).fill_nan(float("inf"))

    return (
        curve.group_by(keys)
        .agg(
            observed=(pl.col("events") + pl.col("censored")).sum(),
            events=pl.col("events").sum(),
            followup_max_days=pl.col("time").max(),
            km_median_days=first_time_at_or_below(0.5),
            km_p75_days=first_time_at_or_below(0.25),
            km_median_ci_low_days=first_time_at_or_below(0.5, pl.col("survival") - margin),
            km_median_ci_high_days=first_time_at_or_below(0.5, pl.col("survival") + margin),
        )
        .with_columns(
            km_median_reached=pl.col("km_median_days").is_not_null(),
            km_median_floor_days=pl.coalesce("km_median_days", "followup_max_days"),
        )
        .sort(keys)
    )


def posting_survival_curve(
    postings: pl.DataFrame | pl.LazyFrame,
    by: GroupKeys,
    *,
    as_of: date,
    tracking_start: date | None = None,
) -> pl.DataFrame:
    """Kaplan-Meier curve of posting lifespans per group, the standing stock by delayed entry
    or left out (see `posting_observations`)."""
    observations = posting_observations(postings, as_of=as_of, tracking_start=tracking_start)
    return kaplan_meier(
        observations.filter(pl.col("entry_days").is_not_null()), by, entry="entry_days"
    )


def posting_survival_summary(
    postings: pl.DataFrame | pl.LazyFrame,
    by: GroupKeys,
    *,
    as_of: date,
    tracking_start: date | None = None,
) -> pl.DataFrame:
    """KM median / p75 of posting lifespans per group (columns of `survival_quantiles`)."""
    curve = posting_survival_curve(postings, by, as_of=as_of, tracking_start=tracking_start)
    return survival_quantiles(curve, by)
