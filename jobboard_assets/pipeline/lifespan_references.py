"""Each board's reference lifespans per role family, computed once per history run.

A posting's evidence (`GET /api/postings/{id}`) compares its age with its board's Kaplan-Meier
median and 90th percentile for its role family (`metrics.posting_evidence`). They are estimated
here over every posting of every board, as of the newest observed day (in a warehouse without
observed days: the newest sighting), with each board tracked from its own first observed day (a
board with postings but no observed day: from its first sighting), and stored in `board_lifespan_references`: the evidence reads one row.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from jobboard_assets.metrics.observations import TRACKING_START
from jobboard_assets.metrics.posting_evidence import board_reference_lifespans
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets.warehouse.queries.reference_tables import replace_lifespan_references
from jobboard_assets.warehouse.queries.snapshots import observed_days_frame

COLUMNS = ("id", "job_board_id", "role_family", "first_seen", "last_seen", "is_active", "posted_at")
"""What the estimate reads of a posting."""


def lifespan_references(
    postings: pl.DataFrame, observed_days: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """`board_reference_lifespans` of every board's postings (`COLUMNS`) at `as_of`, each board
    tracked from its first observed day (`observed_days`: `job_board_id`, `day`), with `as_of`."""
    starts = observed_days.group_by("job_board_id").agg(pl.col("day").min().alias(TRACKING_START))
    tracked = postings.join(starts, on="job_board_id", how="left").with_columns(
        pl.coalesce(TRACKING_START, pl.col("first_seen").min().over("job_board_id"))
    )
    return board_reference_lifespans(tracked, as_of=as_of).with_columns(as_of=pl.lit(as_of))


def update_lifespan_references(engine: Engine, postings: pl.LazyFrame | None = None) -> int:
    """Compute the references from `postings` (every posting; default: read from the warehouse)
    and make `board_lifespan_references` hold them. Returns the rows written."""
    source = postings_frame(engine, COLUMNS).lazy() if postings is None else postings
    frame = source.select(COLUMNS).collect()
    observed = observed_days_frame(engine)
    # As of the newest observed day; postings another client wrote without one: their newest.
    newest = observed["day"].max() if observed.height else frame["last_seen"].max()
    references = (
        lifespan_references(frame, observed, newest) if isinstance(newest, date) else pl.DataFrame()
    )
    with session_scope(engine) as session:
        return replace_lifespan_references(session, references)
