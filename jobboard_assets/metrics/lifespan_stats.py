"""Posting lifespan metrics , per board or per role family through one `by` argument.

Descriptive statistics (mean, median, percentiles, buckets) describe CLOSED postings whose first
day we saw: left-censored postings (open when tracking began) are counted but left out, since
their observed lifespan is only a lower bound. Those statistics are still biased towards short
lifespans (the long ones are the ones still open); the ranking therefore uses the Kaplan-Meier
median from `survival`, which counts open postings as censored.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jobboard_assets.metrics.observations import (
    GroupKeys,
    days_between,
    group_keys,
    posting_observations,
)
from jobboard_assets.metrics.ranking import rank_and_percentile
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.metrics.survival import posting_survival_summary

_EXACT_CLOSED = pl.col("is_closed") & ~pl.col("left_censored")
_ACTIVE = ~pl.col("is_closed")


def lifespan_days(postings: pl.DataFrame) -> pl.DataFrame:
    """`id`, `lifespan_days` (last_seen - first_seen in whole days) for every posting."""
    return postings.select(
        "id", lifespan_days=days_between(pl.col("first_seen"), pl.col("last_seen"))
    )


def lifespan_summary(
    postings: pl.DataFrame,
    by: GroupKeys,
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Lifespan statistics per group.

    Columns: by..., `postings`, `active_postings`, `closed_postings`, `left_censored_postings`,
    `exact_closed_postings` (closed and not left-censored: the ones the statistics use),
    `lifespan_{mean,median,p25,p75,p90,min,max}_days`, `active_age_mean_days`, and
    `active_share_over_{N}d` (0-1) for each age threshold: the share of open postings older
    than N days (age = as_of - first_seen; for left-censored postings a lower bound, so the
    share is too).
    """
    keys = group_keys(by)
    closed = pl.col("lifespan_days").filter(_EXACT_CLOSED)
    active_age = pl.col("age_days").filter(_ACTIVE)
    return (
        posting_observations(postings, as_of=as_of, tracking_start=tracking_start)
        .group_by(keys)
        .agg(
            postings=pl.len().cast(pl.Int64),
            active_postings=_ACTIVE.sum().cast(pl.Int64),
            closed_postings=pl.col("is_closed").sum().cast(pl.Int64),
            left_censored_postings=pl.col("left_censored").sum().cast(pl.Int64),
            exact_closed_postings=_EXACT_CLOSED.sum().cast(pl.Int64),
            lifespan_mean_days=closed.mean(),
            lifespan_median_days=closed.median(),
            lifespan_p25_days=closed.quantile(0.25, "linear"),
            lifespan_p75_days=closed.quantile(0.75, "linear"),
            lifespan_p90_days=closed.quantile(0.90, "linear"),
            lifespan_min_days=closed.min(),
            lifespan_max_days=closed.max(),
            active_age_mean_days=active_age.mean(),
            **{
                f"active_share_over_{days}d": (active_age > days).mean()
                for days in settings.active_age_thresholds_days
            },
        )
        .sort(keys)
        .collect()
    )


def lifespan_distribution(
    postings: pl.DataFrame,
    by: GroupKeys,
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Closed postings (not left-censored) per lifespan bucket, every bucket for every group.

    Columns: by..., `bucket` (label), `min_days`, `max_days` (null = open-ended), `postings`,
    `percentage` (of the group's closed postings; null when it has none).
    """
    keys = group_keys(by)
    buckets = pl.LazyFrame(
        settings.lifespan_buckets,
        schema={"bucket": pl.Utf8, "min_days": pl.Int64, "max_days": pl.Int64},
        orient="row",
    ).with_row_index("bucket_order")
    bucket_of = pl.lit(None, dtype=pl.Utf8)
    for label, first_day, last_day in reversed(settings.lifespan_buckets):
        in_bucket = pl.col("lifespan_days") >= first_day
        if last_day is not None:
            in_bucket &= pl.col("lifespan_days") <= last_day
        bucket_of = pl.when(in_bucket).then(pl.lit(label)).otherwise(bucket_of)
    observations = posting_observations(postings, as_of=as_of, tracking_start=tracking_start)
    counts = (
        observations.filter(_EXACT_CLOSED)
        .group_by(*keys, bucket=bucket_of)
        .agg(postings=pl.len().cast(pl.Int64))
    )
    return (
        observations.select(keys)
        .unique()
        .join(buckets, how="cross")
        .join(counts, on=[*keys, "bucket"], how="left", nulls_equal=True)
        .with_columns(pl.col("postings").fill_null(0))
        .with_columns(percentage=100.0 * pl.col("postings") / pl.col("postings").sum().over(keys))
        .with_columns(pl.col("percentage").fill_nan(None))
        .sort(*keys, "bucket_order")
        .select(*keys, "bucket", "min_days", "max_days", "postings", "percentage")
        .collect()
    )


def daily_trend(
    postings: pl.DataFrame, by: GroupKeys, *, as_of: date, since: date | None = None
) -> pl.DataFrame:
    """For each day from `since` (default: the group's first posting) to `as_of`, per group.

    Columns: by..., `day`, `active_postings` (listed that day), `new_postings` (first seen that
    day), `disappeared_postings` (closed postings whose last day seen was the day before, so
    active(d) = active(d-1) + new(d) - disappeared(d) exactly), `active_age_mean_days`.
    Built from entry/exit counts and their running sums, not from one row per posting-day.
    """
    keys = group_keys(by)
    lazy = postings.lazy()
    first_seen_ordinal = pl.col("first_seen").cast(pl.Int32).cast(pl.Int64)
    entries = lazy.group_by(*keys, day=pl.col("first_seen")).agg(
        new_postings=pl.len().cast(pl.Int64), entered_ordinal_sum=first_seen_ordinal.sum()
    )
    exits = (
        lazy.filter(~pl.col("is_active"))
        .group_by(*keys, day=pl.col("last_seen").dt.offset_by("1d"))
        .agg(
            disappeared_postings=pl.len().cast(pl.Int64),
            exited_ordinal_sum=first_seen_ordinal.sum(),
        )
    )
    calendar = (
        lazy.group_by(keys)
        .agg(day=pl.date_ranges(pl.col("first_seen").min(), pl.lit(as_of)).first())
        .explode("day")
    )
    counted = ["new_postings", "entered_ordinal_sum", "disappeared_postings", "exited_ordinal_sum"]
    running = {
        name: pl.col(name).cum_sum().over(keys, order_by="day")
        for name in ("new_postings", "disappeared_postings")
    }
    active_ordinal_sum = (
        (pl.col("entered_ordinal_sum") - pl.col("exited_ordinal_sum"))
        .cum_sum()
        .over(keys, order_by="day")
    )
    active = running["new_postings"] - running["disappeared_postings"]
    trend = (
        calendar.join(entries, on=[*keys, "day"], how="left", nulls_equal=True)
        .join(exits, on=[*keys, "day"], how="left", nulls_equal=True)
        .with_columns(pl.col(counted).fill_null(0))
        .with_columns(
            active_postings=active,
            active_age_mean_days=pl.when(active > 0).then(
                pl.col("day").cast(pl.Int32) - active_ordinal_sum / active
            ),
        )
    )
    if since is not None:
        trend = trend.filter(pl.col("day") >= since)
    return (
        trend.select(
            *keys,
            "day",
            "active_postings",
            "new_postings",
            "disappeared_postings",
            "active_age_mean_days",
        )
        .sort(*keys, "day")
        .collect()
    )


def lifespan_ranking(
    postings: pl.DataFrame, by: GroupKeys, *, as_of: date, tracking_start: date | None = None
) -> pl.DataFrame:
    """Groups ranked by Kaplan-Meier median lifespan, shortest (fastest hiring) first.

    Groups whose median was not reached (more than half never closed within the window) rank
    after every group whose median was, among themselves by the follow-up the median is known
    to exceed (longer = worse), as the lifespan score orders them. Columns: those of
    `posting_survival_summary` plus `rank` (1 = shortest) and `percentile` (100 = shortest).
    """
    summary = posting_survival_summary(postings, by, as_of=as_of, tracking_start=tracking_start)
    ranking_key = pl.struct(~pl.col("km_median_reached"), pl.col("km_median_floor_days"))
    return summary.with_columns(rank_and_percentile(ranking_key, higher_is_better=False)).sort(
        "rank", *group_keys(by)
    )
