"""Turning phase results into the metadata a person reads in the Dagster UI."""

from __future__ import annotations

from typing import Any

import polars as pl
from dagster import MetadataValue

from jobboard_assets.pipeline.phase_summary import DayFigures

PREVIEW_ROWS = 10


def markdown_table(frame: pl.DataFrame) -> str:
    """A polars frame as a Markdown table (polars renders it; we only hide dtypes and shape)."""
    with pl.Config(
        tbl_formatting="MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=60,
    ):
        return str(frame)


def day_metadata(figures: DayFigures) -> dict[str, Any]:
    """A day's counts as numbers (what the Plots tab draws across partitions), its first rows
    and its whole table as Markdown."""
    metadata: dict[str, Any] = {
        key: value for key, value in figures.counts.items() if value is not None
    }
    if figures.table is not None and figures.table.height:
        metadata["preview"] = MetadataValue.md(markdown_table(figures.table.head(PREVIEW_ROWS)))
        metadata["table"] = MetadataValue.md(markdown_table(figures.table))
    return metadata


def run_line(name: str, counts: dict[str, Any]) -> str:
    """The run's own figures (work over all its days) as one log line of the step."""
    return f"{name}: " + ", ".join(f"{key} {value}" for key, value in counts.items())
