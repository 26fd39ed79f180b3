"""Lifespan statistics, buckets, the daily trend and the ranking, on hand-computed frames."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobboard_assets.metrics import (
    daily_trend,
    lifespan_days,
    lifespan_distribution,
    lifespan_ranking,
    lifespan_summary,
)
from jobboard_assets_tests.metrics.frames import day, posting, postings_frame

AS_OF, START = day(100), day(0)


@pytest.fixture
def postings() -> pl.DataFrame:
    return postings_frame(
        [
            posting(1, first=0, last=4),  # left-censored: counted, not in the statistics
            posting(2, first=10, last=10),  # 0 days
            posting(3, first=10, last=17),  # 7
            posting(4, first=20, last=28),  # 8
            posting(5, first=20, last=50),  # 30
            posting(6, first=5, last=96),  # 91
            posting(7, first=60, as_of=100),  # open, age 40
            posting(8, first=30, as_of=100),  # open, age 70
            posting(9, first=5, as_of=100),  # open, age 95
            posting(10, first=50, last=60, board=2, role_family="design"),  # 10
            posting(11, first=90, as_of=100, board=2, role_family="design"),  # open, age 10
        ]
    )


def test_lifespan_days_is_last_seen_minus_first_seen_for_every_posting(
    postings: pl.DataFrame,
) -> None:
    assert lifespan_days(postings).rows() == [
        (1, 4),
        (2, 0),
        (3, 7),
        (4, 8),
        (5, 30),
        (6, 91),
        (7, 40),
        (8, 70),
        (9, 95),
        (10, 10),
        (11, 10),
    ]


def test_summary_statistics_per_board(postings: pl.DataFrame) -> None:
    summary = lifespan_summary(postings, "job_board_id", as_of=AS_OF, tracking_start=START)
    board = summary.row(0, named=True)
    assert board == {
        "job_board_id": 1,
        "postings": 9,
        "active_postings": 3,
        "closed_postings": 6,
        "left_censored_postings": 1,
        "exact_closed_postings": 5,
        # closed, not left-censored: 0, 7, 8, 30, 91
        "lifespan_mean_days": pytest.approx(27.2),
        "lifespan_median_days": 8.0,
        "lifespan_p25_days": 7.0,
        "lifespan_p75_days": 30.0,
        "lifespan_p90_days": pytest.approx(66.6),  # 30 + 0.6 x (91 - 30)
        "lifespan_min_days": 0,
        "lifespan_max_days": 91,
        # open ages 40, 70, 95
        "active_age_mean_days": pytest.approx(205 / 3),
        "active_share_over_30d": 1.0,
        "active_share_over_60d": pytest.approx(2 / 3),
        "active_share_over_90d": pytest.approx(1 / 3),
    }
    other = summary.row(1, named=True)
    assert (other["lifespan_median_days"], other["active_share_over_30d"]) == (10.0, 0.0)


def test_one_function_serves_boards_and_role_families(postings: pl.DataFrame) -> None:
    by_board = lifespan_summary(postings, "job_board_id", as_of=AS_OF, tracking_start=START)
    by_family = lifespan_summary(postings, ["role_family"], as_of=AS_OF, tracking_start=START)
    assert by_family["role_family"].to_list() == ["data", "design"]
    assert by_family.drop("role_family").equals(by_board.drop("job_board_id"))


def test_active_share_is_null_without_open_postings() -> None:
    postings = postings_frame([posting(1, first=10, last=20)])
    summary = lifespan_summary(postings, "job_board_id", as_of=AS_OF, tracking_start=START)
    assert summary["active_share_over_30d"].to_list() == [None]


def test_distribution_counts_and_percentages(postings: pl.DataFrame) -> None:
    buckets = lifespan_distribution(postings, "job_board_id", as_of=AS_OF, tracking_start=START)
    board = buckets.filter(pl.col("job_board_id") == 1)
    assert board.select("bucket", "min_days", "max_days", "postings", "percentage").rows() == [
        ("0-7", 0, 7, 2, 40.0),
        ("8-14", 8, 14, 1, 20.0),
        ("15-30", 15, 30, 1, 20.0),
        ("31-60", 31, 60, 0, 0.0),
        ("61-90", 61, 90, 0, 0.0),
        ("90+", 91, None, 1, 20.0),
    ]
    assert buckets.filter(pl.col("job_board_id") == 2)["postings"].to_list() == [0, 1, 0, 0, 0, 0]


def test_distribution_bucket_boundaries() -> None:
    lifespans = [7, 8, 14, 15, 30, 31, 60, 61, 90, 91]
    postings = postings_frame(
        [posting(i, first=1, last=1 + days) for i, days in enumerate(lifespans, start=1)]
    )
    buckets = lifespan_distribution(postings, "job_board_id", as_of=day(200), tracking_start=START)
    assert buckets["postings"].to_list() == [1, 2, 2, 2, 2, 1]


def test_distribution_of_a_group_without_closed_postings_has_null_percentages() -> None:
    postings = postings_frame([posting(1, first=10, as_of=20)])
    buckets = lifespan_distribution(postings, "job_board_id", as_of=day(20), tracking_start=START)
    assert buckets["postings"].sum() == 0
    assert buckets["percentage"].null_count() == 6


def test_daily_trend_hand_computed() -> None:
    postings = postings_frame(
        [
            posting(1, first=0, last=2),
            posting(2, first=1, last=1),
            posting(3, first=2, as_of=4),
        ]
    )
    trend = daily_trend(postings, "job_board_id", as_of=day(4))
    assert trend.drop("job_board_id").rows() == [
        (day(0), 1, 1, 0, 0.0),
        (day(1), 2, 1, 0, 0.5),
        (day(2), 2, 1, 1, 1.0),
        (day(3), 1, 0, 1, 1.0),
        (day(4), 1, 0, 0, 2.0),
    ]
    since = daily_trend(postings, "job_board_id", as_of=day(4), since=day(3))
    assert since["day"].to_list() == [day(3), day(4)]
    assert since["active_postings"].to_list() == [1, 1]


spans = st.lists(
    st.tuples(st.integers(1, 2), st.integers(0, 20), st.integers(0, 20), st.booleans()),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(rows=spans)
def test_daily_trend_matches_counting_every_day(
    rows: list[tuple[int, int, int, bool]],
) -> None:
    as_of = 25
    postings = postings_frame(
        [
            posting(i, board=board, first=first, last=first + length)
            if closed
            else posting(i, board=board, first=first, as_of=as_of)
            for i, (board, first, length, closed) in enumerate(rows, start=1)
        ]
    )
    trend = daily_trend(postings, "job_board_id", as_of=day(as_of))
    for board, today, active, new, gone, mean_age in trend.rows():
        mine = postings.filter(pl.col("job_board_id") == board)
        listed = mine.filter(
            (pl.col("first_seen") <= today)
            & (~pl.col("is_active") & (pl.col("last_seen") >= today) | pl.col("is_active"))
        )
        assert active == listed.height
        assert new == mine.filter(pl.col("first_seen") == today).height
        assert (
            gone
            == mine.filter(
                ~pl.col("is_active") & (pl.col("last_seen").dt.offset_by("1d") == today)
            ).height
        )
        ages = [(today - first).days for first in listed["first_seen"]]
        assert mean_age == (pytest.approx(sum(ages) / len(ages)) if ages else None)


def test_ranking_puts_unreached_medians_last() -> None:
    as_of = 100
    postings = postings_frame(
        [
            # board 1: closes after 3, 5, 9 days: median 5
            *(posting(i, board=1, first=10, last=10 + d) for i, d in [(1, 3), (2, 5), (3, 9)]),
            # board 2: two close after 20, one open for 90: median 20
            posting(4, board=2, first=10, last=30),
            posting(5, board=2, first=10, last=30),
            posting(6, board=2, first=10, as_of=as_of),
            # boards 3 and 4: one closes after 2 days, two stay open (50 / 30 days): no median
            posting(7, board=3, first=10, last=12),
            posting(8, board=3, first=50, as_of=as_of),
            posting(9, board=3, first=50, as_of=as_of),
            posting(10, board=4, first=10, last=12),
            posting(11, board=4, first=70, as_of=as_of),
            posting(12, board=4, first=70, as_of=as_of),
        ]
    )
    ranking = lifespan_ranking(postings, "job_board_id", as_of=day(as_of), tracking_start=START)
    assert ranking.select(
        "job_board_id", "km_median_days", "km_median_floor_days", "rank"
    ).rows() == [(1, 5, 5, 1), (2, 20, 20, 2), (4, None, 30, 3), (3, None, 50, 4)]
    assert ranking["percentile"].to_list() == pytest.approx([100.0, 200 / 3, 100 / 3, 0.0])
