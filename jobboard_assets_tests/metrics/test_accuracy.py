"""Pipeline output against a tiny simulator truth."""

from __future__ import annotations

import polars as pl
import pytest

from jobboard_assets.metrics import lifespan_accuracy, repost_accuracy
from jobboard_assets_tests.metrics.frames import (
    boards_frame,
    day,
    posting,
    postings_frame,
)


def truth_frame(rows: list[tuple[str, str, int, int | None, str]]) -> pl.DataFrame:
    """(board slug, external_id, first day, last day or None for evergreen, job_key)."""
    return pl.DataFrame(
        {
            "board": [row[0] for row in rows],
            "external_id": [row[1] for row in rows],
            "first_day": [day(row[2]) for row in rows],
            "last_day": [None if row[3] is None else day(row[3]) for row in rows],
            "job_key": [row[4] for row in rows],
        },
        schema_overrides={"last_day": pl.Date},
    )


BOARDS = boards_frame({1: None, 2: None})


def test_lifespan_exactness() -> None:
    postings = postings_frame(
        [
            posting(1, first=5, last=10),  # exact
            posting(2, first=5, last=12),  # truth says 14: inexact
            posting(3, first=0, last=8),  # left-censored: not checked
            posting(4, first=3, as_of=20),  # still open: not checked
            posting(5, first=6, last=9),  # unknown to the truth
            posting(6, first=6, last=9),  # truth: evergreen, never closed
        ]
    )
    truth = truth_frame(
        [
            ("board-1", "ext-1", 5, 10, "a"),
            ("board-1", "ext-2", 5, 14, "b"),
            ("board-1", "ext-3", -20, 8, "c"),
            ("board-1", "ext-4", 3, None, "d"),
            ("board-1", "ext-6", 6, None, "e"),
        ]
    )
    result = lifespan_accuracy(postings, BOARDS, truth, tracking_start=day(0))
    assert (result.exact, result.inexact, result.unmatched) == (1, 2, 1)
    assert result.mismatches.select(
        "external_id", "lifespan_days", "true_lifespan_days"
    ).rows() == [("ext-2", 7, 9), ("ext-6", 3, None)]


@pytest.fixture
def postings() -> pl.DataFrame:
    return postings_frame(
        [posting(i, first=i, last=i + 1) for i in range(1, 6)]
        + [posting(i, first=i, last=i + 1, board=2) for i in range(6, 9)]
    )


@pytest.fixture
def truth() -> pl.DataFrame:
    # job "a" exists on both boards: pairs never cross boards. ext-5 is unknown to the truth.
    return truth_frame(
        [
            ("board-1", "ext-1", 1, 2, "a"),
            ("board-1", "ext-2", 2, 3, "a"),
            ("board-1", "ext-3", 3, 4, "a"),
            ("board-1", "ext-4", 4, 5, "b"),
            ("board-2", "ext-6", 6, 7, "a"),
            ("board-2", "ext-7", 7, 8, "a"),
            ("board-2", "ext-8", 8, 9, "c"),
        ]
    )


def clusters(assignment: dict[int, int | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"id": list(assignment), "repost_cluster_id": list(assignment.values())},
        schema={"id": pl.Int64, "repost_cluster_id": pl.Int64},
    )


def test_pair_precision_and_recall(postings: pl.DataFrame, truth: pl.DataFrame) -> None:
    # true pairs: (1,2) (1,3) (2,3) on board 1, (6,7) on board 2 = 4
    # predicted pairs among matched postings: (1,2), (3,4), (6,7) (6,8) (7,8) = 5; 5 is unmatched
    predicted = clusters({1: 1, 2: 1, 5: 1, 3: 3, 4: 3, 6: 6, 7: 6, 8: 6})
    result = repost_accuracy(postings, BOARDS, predicted, truth)
    assert (result.true_positive_pairs, result.predicted_pairs, result.true_pairs) == (2, 5, 4)
    assert result.precision == pytest.approx(0.4)
    assert result.recall == pytest.approx(0.5)
    assert result.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)


def test_perfect_and_empty_predictions(postings: pl.DataFrame, truth: pl.DataFrame) -> None:
    perfect = repost_accuracy(postings, BOARDS, clusters({1: 1, 2: 1, 3: 1, 6: 6, 7: 6}), truth)
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    nothing = repost_accuracy(postings, BOARDS, clusters({}), truth)
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, 0.0, None)
    assert nothing.predicted_pairs == 0


def test_a_predicted_cluster_across_boards_scores_no_true_pair(
    postings: pl.DataFrame, truth: pl.DataFrame
) -> None:
    # Both postings carry job "a", but on different boards: not the same job.
    result = repost_accuracy(postings, BOARDS, clusters({1: 1, 6: 1}), truth)
    assert (result.true_positive_pairs, result.predicted_pairs) == (0, 1)
    assert result.precision == 0.0
    assert result.f1 == 0.0
