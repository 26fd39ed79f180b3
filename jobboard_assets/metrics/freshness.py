"""Fake freshness: a board date that says "new" on a posting our own history has seen for long.

Boards re-stamp `posted_at` on edits and reposts ("posted 1 day ago"); comparing it with our
first_seen shows how much a board's freshness can be trusted. A posting is fake-fresh when its
board date says new while we have seen it for a month, or while that date is later than the day
we first saw it (a re-stamp: no original date is later than a sighting), which shows from the
first re-stamp on rather than after a month. Only open postings are flagged: a closed posting
no longer presents itself as new.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jobboard_assets.metrics.observations import GroupKeys, days_between, group_keys
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings


def fake_freshness_flags(
    postings: pl.DataFrame, *, as_of: date, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """One row per posting: `id`, `job_board_id`, `board_age_days` (as_of - posted_at's UTC day;
    null without a board date), `observed_age_days` (as_of - first_seen), `fake_fresh`: open,
    board age <= `fresh_posted_within_days` (a future board date counts as fresh too) and
    either observed age >= `fake_fresh_min_observed_days` or the board date more than
    `restamp_margin_days` after first_seen (re-stamped).
    """
    board_date = pl.col("posted_at").dt.date()
    board_age = days_between(board_date, pl.lit(as_of))
    observed_age = days_between(pl.col("first_seen"), pl.lit(as_of))
    restamped = (
        days_between(pl.col("first_seen"), board_date) > settings.restamp_margin_days
    ).fill_null(False)
    return postings.select(
        "id",
        "job_board_id",
        board_age_days=board_age,
        observed_age_days=observed_age,
        fake_fresh=(
            pl.col("is_active")
            & (board_age <= settings.fresh_posted_within_days).fill_null(False)
            & ((observed_age >= settings.fake_fresh_min_observed_days) | restamped)
        ),
    )


def fake_freshness_summary(
    postings: pl.DataFrame,
    by: GroupKeys = "job_board_id",
    *,
    as_of: date,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Per group: `active_postings`, `dated_active_postings` (open with a board date: the ones
    that can be flagged), `fake_fresh_postings`, `fake_fresh_share` (of the dated open postings,
    0-1, null when none has a date)."""
    keys = group_keys(by)
    flags = fake_freshness_flags(postings, as_of=as_of, settings=settings).drop("job_board_id")
    dated_active = pl.col("is_active") & pl.col("board_age_days").is_not_null()
    return (
        postings.select("id", "is_active", *keys)
        .join(flags, on="id")
        .group_by(keys)
        .agg(
            active_postings=pl.col("is_active").sum().cast(pl.Int64),
            dated_active_postings=dated_active.sum().cast(pl.Int64),
            fake_fresh_postings=pl.col("fake_fresh").sum().cast(pl.Int64),
        )
        .with_columns(
            fake_fresh_share=pl.when(pl.col("dated_active_postings") > 0).then(
                pl.col("fake_fresh_postings") / pl.col("dated_active_postings")
            )
        )
        .sort(keys)
    )
