"""The history a pipeline observes of the simulated market, built from its ground truth.

`sim.truth` documents what a pipeline that scrapes every board on every day from its start
observes (first_seen = max(first_day, start), last_seen = min(last_day, end)); the pipeline's
exactness against that is tested end to end in `test_accuracy_vs_simulator`. Building the same
frame here lets the estimator be checked against the truth over many seeds and windows in
seconds instead of one Dagster backfill each.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sources.normalize import normalize_title

UNDATED_KINDS = frozenset({"html"})
"""Kinds whose listing carries no board date (the simulator's HTML pages show none)."""


def observed_history(
    market: SimulatedMarket, start: date, end: date, late_starts: dict[str, date] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(postings frame as `postings_frame` reads it, tracking periods per board).

    Each board is tracked from `start`, or from its date in `late_starts` (added later).
    Boards of a kind whose pages show no date (`UNDATED_KINDS`) have no `posted_at`.
    """
    late_starts = late_starts or {}
    ids = {board.slug: index + 1 for index, board in enumerate(market.boards)}
    rows: list[dict[str, Any]] = []
    for board in market.boards:
        board_start = late_starts.get(board.slug, start)
        for posting in market.postings_between(board.slug, board_start, end):
            last_day = posting.last_day
            active = last_day is None or last_day >= end
            last_seen = end if last_day is None or active else last_day
            board_date = posting.board_date_on(last_seen)
            rows.append(
                {
                    "id": len(rows) + 1,
                    "job_board_id": ids[board.slug],
                    "external_id": posting.external_id,
                    "title": posting.title,
                    "normalized_title": normalize_title(posting.title, posting.location.name),
                    "company": posting.company,
                    "location": posting.location.name,
                    "locations": [posting.location.name],  # the simulator lists one place each
                    "role_family": None,
                    "first_seen": max(posting.first_day, board_start),
                    "last_seen": last_seen,
                    "is_active": active,
                    "posted_at": None
                    if board.kind in UNDATED_KINDS
                    else datetime(board_date.year, board_date.month, board_date.day, tzinfo=UTC),
                }
            )
    postings = pl.DataFrame(
        rows,
        schema_overrides={"role_family": pl.Utf8, "posted_at": pl.Datetime("us", "UTC")},
    ).with_columns(
        disappeared_at=pl.when(~pl.col("is_active")).then(pl.col("last_seen").dt.offset_by("1d")),
        repost_count=pl.lit(0, dtype=pl.Int64),
        salary_min=pl.lit(None, dtype=pl.Float64),  # the simulator's truth has no pay
    )
    periods = pl.DataFrame(
        {
            "job_board_id": [ids[board.slug] for board in market.boards],
            "tracking_start": [late_starts.get(board.slug, start) for board in market.boards],
        },
        schema={"job_board_id": pl.Int64, "tracking_start": pl.Date},
    )
    return postings, periods


def boards_of(market: SimulatedMarket) -> pl.DataFrame:
    """The boards frame `efficiency_scores` takes, with each board's profile and true median."""
    return pl.DataFrame(
        {
            "id": list(range(1, len(market.boards) + 1)),
            "name": [board.name for board in market.boards],
            "slug": [board.slug for board in market.boards],
            "kind": [board.kind for board in market.boards],
            "industry": [None for _ in market.boards],
            "profile": [board.profile for board in market.boards],
            "true_median_days": [board.median_days for board in market.boards],
            "repost_rate": [board.repost_rate for board in market.boards],
        },
        schema_overrides={"industry": pl.Utf8},
    )


def stale_truth(market: SimulatedMarket, start: date, end: date) -> pl.DataFrame:
    """`job_board_id`, `external_id`, `true_stale` (`Posting.stale_on` its last day seen) of
    every posting `observed_history` holds for the same window."""
    ids = {board.slug: index + 1 for index, board in enumerate(market.boards)}
    rows = [
        {
            "job_board_id": ids[board.slug],
            "external_id": posting.external_id,
            "true_stale": posting.stale_on(
                end if posting.last_day is None else min(posting.last_day, end)
            ),
        }
        for board in market.boards
        for posting in market.postings_between(board.slug, start, end)
    ]
    return pl.DataFrame(rows)
