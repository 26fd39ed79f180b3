"""Turning phase results into the metadata a person reads in the Dagster UI."""

from __future__ import annotations

from typing import Any

import polars as pl
from dagster import MetadataValue

from jobboard_assets.lib.asset_catalog import ROW_COUNT
from jobboard_assets.pipeline.phase_summary import PhaseSummary


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


ROWS_OF_THE_PHASE = ("rows_written", "postings_maintained")
"""The count that is the phase's rows (`dagster/row_count`): the rows of the run's days it
wrote (scores, analytics), or the postings it maintains (lifespans, reposts)."""


def phase_metadata(summary: PhaseSummary) -> dict[str, Any]:
    """Counts as numbers (the rows also as `dagster/row_count`), the preview (and the full
    table, if any) as Markdown."""
    metadata: dict[str, Any] = {
        key: value for key, value in summary.counts.items() if value is not None
    }
    rows = next((metadata[key] for key in ROWS_OF_THE_PHASE if key in metadata), None)
    if rows is not None:
        metadata[ROW_COUNT] = rows
    if summary.preview is not None and summary.preview.height:
        metadata["preview"] = MetadataValue.md(markdown_table(summary.preview))
    if summary.table is not None and summary.table.height:
        metadata["table"] = MetadataValue.md(markdown_table(summary.table))
    return metadata
