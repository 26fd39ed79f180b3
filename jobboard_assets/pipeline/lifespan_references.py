"""Each board's reference lifespans per role family, computed once per history run.

A posting's evidence (`GET /api/postings/{id}`) compares its age with its board's Kaplan-Meier
median and 90th percentile for its role family (`metrics.posting_evidence`). They are estimated
over the same postings as the lifespan report `/api/lifespan` serves: those of the newest day's
metrics window (`timeline.in_window`), each board tracked from its tracking start (delayed
entry), so a posting's evidence and its board's report agree, and the daily cost follows the
window, not the whole history. Stored in `board_lifespan_references`: the evidence reads one row.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from jobboard_assets.metrics.observations import TRACKING_START, with_tracking_start
from jobboard_assets.metrics.posting_evidence import board_reference_lifespans
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.pipeline.timeline import board_tracking_periods, in_window
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets.warehouse.queries.reference_tables import replace_lifespan_references

COLUMNS = ("id", "job_board_id", "role_family", "first_seen", "last_seen", "is_active", "posted_at")
"""What the estimate reads of a posting (besides its board's `tracking_start`)."""


def lifespan_references(
    postings: pl.DataFrame, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """`board_reference_lifespans` of the postings (`COLUMNS` and `tracking_start`) of the
    newest day's metrics window, as of that day (column `as_of`); empty without postings."""
    as_of = postings["last_seen"].max()
    if not isinstance(as_of, date):
        return pl.DataFrame()
    window = in_window(postings, as_of, settings)
    return board_reference_lifespans(window, as_of=as_of, settings=settings).with_columns(
        as_of=pl.lit(as_of)
    )


def update_lifespan_references(
    engine: Engine,
    postings: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> int:
    """Compute the references from `postings` (a run's frame, holding its newest day's window and
    each posting's `tracking_start`; default: every posting in the warehouse, with its board's
    tracking starts) and make `board_lifespan_references` hold them. Returns the rows written."""
    if postings is None:
        periods = board_tracking_periods(engine, settings)
        frame = with_tracking_start(postings_frame(engine, COLUMNS), periods)
    else:
        frame = postings.select(*COLUMNS, TRACKING_START)
    with session_scope(engine) as session:
        return replace_lifespan_references(session, lifespan_references(frame, settings))
