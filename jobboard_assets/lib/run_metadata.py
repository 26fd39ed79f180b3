"""Turning phase results into the metadata a person reads in the Dagster UI."""

from __future__ import annotations

from typing import Any

import polars as pl
from dagster import MetadataValue

from jobboard_assets.lib.asset_catalog import ROW_COUNT
from jobboard_assets.pipeline.phase_summary import DayFigures

PREVIEW_ROWS = 10
ROWS_OF_THE_DAY = ("rows", "postings", "postings_seen")
"""The day's count that is its rows (`dagster/row_count`): the rows of the day the phase wrote
(scores, analytics), or the postings the day's history holds (lifespans, reposts)."""


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
    """A day's counts as numbers (what the Plots tab draws across partitions; the day's rows
    also as `dagster/row_count`), its first rows and its whole table as Markdown."""
    metadata: dict[str, Any] = {
        key: value for key, value in figures.counts.items() if value is not None
    }
    rows = next((metadata[key] for key in ROWS_OF_THE_DAY if key in metadata), None)
    if rows is not None:
        metadata[ROW_COUNT] = rows
    if figures.table is not None and figures.table.height:
        metadata["preview"] = MetadataValue.md(markdown_table(figures.table.head(PREVIEW_ROWS)))
        metadata["table"] = MetadataValue.md(markdown_table(figures.table))
    return metadata


def run_line(name: str, counts: dict[str, Any]) -> str:
    """The run's own figures (work over all its days) as one log line of the step."""
    return f"{name}: " + ", ".join(f"{key} {value}" for key, value in counts.items())
