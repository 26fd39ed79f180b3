"""Per-posting observation columns every lifespan metric starts from.

Lifespans are anchored on our own observations (first_seen / last_seen), never on the board's
`posted_at`. A posting first seen on the first tracking day was probably already open:
it is left-censored, its observed lifespan only a lower bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

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


def posting_observations(
    postings: pl.DataFrame | pl.LazyFrame, *, as_of: date, tracking_start: date
) -> pl.LazyFrame:
    """The postings with the columns lifespan and survival metrics share.

    - `lifespan_days`: last_seen - first_seen, for every posting (for an active one, so far);
    - `age_days`: as_of - first_seen, the age of a posting that is still open;
    - `is_closed`: the posting has disappeared;
    - `left_censored`: first seen on (or before) the first tracking day;
    - `duration_days` / `event`: the survival view: a closed posting closes at its lifespan
      (event), an open one is censored at its age; a left-censored posting never counts as an
      event because its true start, hence its true lifespan, is unknown (only a lower bound).
    """
    lifespan = days_between(pl.col("first_seen"), pl.col("last_seen"))
    age = days_between(pl.col("first_seen"), pl.lit(as_of))
    closed = ~pl.col("is_active")
    left_censored = pl.col("first_seen") <= pl.lit(tracking_start)
    return postings.lazy().with_columns(
        lifespan_days=lifespan,
        age_days=age,
        is_closed=closed,
        left_censored=left_censored,
        duration_days=pl.when(closed).then(lifespan).otherwise(age),
        event=closed & ~left_censored,
    )
