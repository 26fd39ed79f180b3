"""Rank and percentile, defined once for every ranking the metrics produce."""

from __future__ import annotations

import polars as pl


def rank_and_percentile(
    score: pl.Expr, *, higher_is_better: bool, within: list[str] | None = None
) -> list[pl.Expr]:
    """`rank` (1 = best, ties share the best rank) and `percentile` (0-100, 100 = best).

    percentile = share of the other rows in the scope that the row scores at least as well as,
    so the best row (and every row tied with it) is 100 and a strictly worst row 0, whatever the
    scope size; a scope of one row is 100.
    """
    rank = score.rank("min", descending=higher_is_better)
    others = score.count() - 1
    percentile = pl.when(others > 0).then(100.0 * (others + 1 - rank) / others).otherwise(100.0)
    if within:
        rank, percentile = rank.over(within), percentile.over(within)
    return [rank.cast(pl.Int64).alias("rank"), percentile.alias("percentile")]
