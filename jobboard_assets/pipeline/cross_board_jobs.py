"""The same job across boards: link every posting to its listings on other boards, daily."""

from __future__ import annotations

import time
from datetime import date

import polars as pl

from jobboard_assets.metrics.cross_board_links import CROSS_BOARD_SOURCE, cross_board_groups
from jobboard_assets.pipeline.phase_summary import DayFigures, PhaseSummary
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.cross_board_tables import replace_cross_board_jobs


def update_cross_board_jobs(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Link the postings of one job on several boards (`metrics.cross_board_links`) over every
    posting, and replace `cross_board_jobs` with the groups. Whatever the days: a link is a
    function of the postings' keys and dates, which any applied day may have changed."""
    started = time.perf_counter()
    postings = history.source.select(CROSS_BOARD_SOURCE).collect()
    groups = cross_board_groups(postings)
    with session_scope(history.engine) as session:
        replace_cross_board_jobs(
            session,
            [
                {"job_posting_id": posting_id, "job_group_id": group}
                for posting_id, group in groups.iter_rows()
            ],
        )
    linked = groups.join(postings.select("id", "job_board_id", "first_seen", "last_seen"), on="id")
    return PhaseSummary(
        counts={
            "postings": postings.height,
            "linked_postings": groups.height,
            "cross_board_jobs": groups["job_group_id"].n_unique(),
            "seconds": round(time.perf_counter() - started, 3),
        },
        days={day: _day_figures(linked, day) for day in days},
    )


def _day_figures(linked: pl.DataFrame, day: date) -> DayFigures:
    """The cross-board jobs listed on `day`: its partition's own figures."""
    open_on_day = linked.filter((pl.col("first_seen") <= day) & (pl.col("last_seen") >= day))
    boards = open_on_day.group_by("job_group_id").agg(pl.col("job_board_id").n_unique())
    return DayFigures(
        counts={
            "rows": open_on_day.height,
            "cross_board_jobs": boards.height,
            "boards_per_job_max": boards["job_board_id"].max() if boards.height else 0,
        }
    )
