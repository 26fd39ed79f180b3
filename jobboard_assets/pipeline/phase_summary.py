"""What a history phase reports: the run's counts, and each day's own figures for its partition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl


@dataclass(frozen=True)
class DayFigures:
    """One day's figures as the warehouse holds them after the run: that day's partition
    metadata (its counts plot as a series in the UI), and the day's table, if the phase has one."""

    counts: dict[str, Any]
    table: pl.DataFrame | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PhaseSummary:
    """What a phase did: the run's counts (work over all its days, for the step's log) and the
    figures of each day it wrote."""

    counts: dict[str, Any]
    days: dict[date, DayFigures] = field(default_factory=dict, repr=False)


def changed_rows(current: pl.DataFrame, computed: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Rows of `computed` whose columns differ from `current` (nulls compared as values)."""
    joined = current.select("id", *columns).join(computed, on="id", suffix="_new")
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_new")) for c in columns)
    return joined.filter(differs).select("id", *(pl.col(f"{c}_new").alias(c) for c in columns))


def median_of(values: pl.Series) -> float | None:
    """The median of a column as a float, None when it has no value."""
    median = values.cast(pl.Float64).median()  # a float, or None when there is no value
    return median if isinstance(median, float) else None
