"""What a history phase reports: counts, a preview and a table, for the UI and the job result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl


@dataclass(frozen=True)
class PhaseSummary:
    """What a phase did: counts for the UI and the job result, and a small preview table."""

    counts: dict[str, Any]
    preview: pl.DataFrame | None = None
    table: pl.DataFrame | None = field(default=None, repr=False)


def changed_rows(current: pl.DataFrame, computed: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Rows of `computed` whose columns differ from `current` (nulls compared as values)."""
    joined = current.select("id", *columns).join(computed, on="id", suffix="_new")
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_new")) for c in columns)
    return joined.filter(differs).select("id", *(pl.col(f"{c}_new").alias(c) for c in columns))


def median_of(values: pl.Series) -> float | None:
    """The median of a column as a float, None when it has no value."""
    median = values.cast(pl.Float64).median()  # a float, or None when there is no value
    return median if isinstance(median, float) else None
