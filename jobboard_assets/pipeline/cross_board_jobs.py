"""The same job across boards: link every posting to its listings on other boards, daily."""

from __future__ import annotations

import time
from datetime import date

import polars as pl

from jobboard_assets.metrics.cross_board import cross_board_groups
from jobboard_assets.metrics.repost_chains import REPOST_KEY_SOURCE
from jobboard_assets.pipeline.phase_summary import PhaseSummary
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.cross_board_tables import replace_cross_board_jobs


def update_cross_board_jobs(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Link the postings of one job on several boards (`metrics.cross_board`) over every
    posting, and replace `cross_board_jobs` with the groups. Whatever the days: a link is a
    function of the postings' keys and dates, which any applied day may have changed."""
    started = time.perf_counter()
    postings = history.source.select(REPOST_KEY_SOURCE).collect()
    groups = cross_board_groups(postings)
    with session_scope(history.engine) as session:
        replace_cross_board_jobs(
            session,
            [
                {"job_posting_id": posting_id, "job_group_id": group}
                for posting_id, group in groups.iter_rows()
            ],
        )
    return PhaseSummary(
        counts={
            "postings": postings.height,
            "linked_postings": groups.height,
            "cross_board_jobs": groups["job_group_id"].n_unique(),
            "boards_per_job_max": groups.join(postings.select("id", "job_board_id"), on="id")
            .select(pl.col("job_board_id").n_unique().over("job_group_id").max())
            .item(),
            "seconds": round(time.perf_counter() - started, 3),
        }
    )
