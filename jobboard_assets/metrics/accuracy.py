"""How far the pipeline's lifespans and repost clusters are from a simulator's ground truth.

`truth` has one row per posting the simulator listed: `board` (slug), `external_id`,
`first_day`, `last_day` (its true listing days as Date; null last_day = evergreen; parse the
simulator's ISO strings with `str.to_date()`), `job_key` (postings with the same key on one
board are the same job: a repost). Pipeline postings are matched to it on (board slug,
external_id); postings on only one side are counted, not scored, so precision and recall
measure detection rather than scraping coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from jobboard_assets.metrics.observations import days_between


@dataclass(frozen=True)
class LifespanAccuracy:
    """Closed, not left-censored postings: exact when the pipeline lifespan equals the truth's."""

    exact: int
    inexact: int
    unmatched: int  # closed postings the truth does not know
    mismatches: pl.DataFrame


@dataclass(frozen=True)
class RepostAccuracy:
    """Pair-level scores; precision / recall are None when there is no pair to divide by."""

    precision: float | None
    recall: float | None
    f1: float | None
    true_positive_pairs: int
    predicted_pairs: int
    true_pairs: int


def _with_truth(postings: pl.DataFrame, boards: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Postings with their board slug and, when the truth knows them, its columns."""
    board_ids = boards.select(
        job_board_id=pl.col("id").cast(postings.schema["job_board_id"]), board="slug"
    )
    return postings.join(board_ids, on="job_board_id").join(
        truth.with_columns(matched=pl.lit(True)), on=["board", "external_id"], how="left"
    )


def lifespan_accuracy(
    postings: pl.DataFrame, boards: pl.DataFrame, truth: pl.DataFrame, *, tracking_start: date
) -> LifespanAccuracy:
    """Compare last_seen - first_seen with last_day - first_day for every posting the pipeline
    saw close that was not left-censored (first seen after `tracking_start`)."""
    checked = _with_truth(
        postings.filter(~pl.col("is_active"), pl.col("first_seen") > tracking_start),
        boards,
        truth,
    ).with_columns(
        lifespan_days=days_between(pl.col("first_seen"), pl.col("last_seen")),
        true_lifespan_days=days_between(pl.col("first_day"), pl.col("last_day")),
    )
    matched = checked.filter(pl.col("matched").fill_null(False))
    # A posting the truth never closes (evergreen: last_day null) but we saw close is inexact.
    is_exact = (pl.col("lifespan_days") == pl.col("true_lifespan_days")).fill_null(False)
    mismatches = matched.filter(~is_exact).select(
        "board",
        "external_id",
        "first_seen",
        "last_seen",
        "lifespan_days",
        "first_day",
        "last_day",
        "true_lifespan_days",
    )
    return LifespanAccuracy(
        exact=matched.filter(is_exact).height,
        inexact=mismatches.height,
        unmatched=checked.height - matched.height,
        mismatches=mismatches.sort("board", "external_id"),
    )


def _pairs(group_sizes: pl.Expr) -> pl.Expr:
    """Number of unordered pairs inside groups of these sizes."""
    return (group_sizes * (group_sizes - 1) // 2).sum()


def _pair_count(frame: pl.DataFrame, keys: list[str]) -> int:
    sizes = frame.group_by(keys).agg(size=pl.len().cast(pl.Int64))
    return int(sizes.select(_pairs(pl.col("size"))).item())


def repost_accuracy(
    postings: pl.DataFrame, boards: pl.DataFrame, reposts: pl.DataFrame, truth: pl.DataFrame
) -> RepostAccuracy:
    """Pair precision / recall of `reposts` (`id`, `repost_cluster_id`) against the truth.

    Predicted pairs: two matched postings in one predicted cluster; true pairs: two matched
    postings with the same `job_key` on one board.
    """
    matched = (
        _with_truth(postings.select("id", "job_board_id", "external_id"), boards, truth)
        .filter(pl.col("matched").fill_null(False))
        .join(reposts.select("id", "repost_cluster_id"), on="id", how="left")
    )
    predicted = matched.filter(pl.col("repost_cluster_id").is_not_null())
    true_positive_pairs = _pair_count(
        predicted.filter(pl.col("job_key").is_not_null()),
        ["repost_cluster_id", "board", "job_key"],
    )
    predicted_pairs = _pair_count(predicted, ["repost_cluster_id"])
    true_pairs = _pair_count(matched.filter(pl.col("job_key").is_not_null()), ["board", "job_key"])
    precision = true_positive_pairs / predicted_pairs if predicted_pairs else None
    recall = true_positive_pairs / true_pairs if true_pairs else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return RepostAccuracy(
        precision=precision,
        recall=recall,
        f1=f1,
        true_positive_pairs=true_positive_pairs,
        predicted_pairs=predicted_pairs,
        true_pairs=true_pairs,
    )
