"""Efficiency scores: the fixed lifespan component, weights, surveys, grades, ranks, trend."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
import pytest

from jobboard_assets.metrics import (
    DEFAULT_SETTINGS,
    efficiency_scores,
    letter_grade,
    quality_adjustment,
    survey_scores,
)
from jobboard_assets_tests.metrics.frames import (
    boards_frame,
    candidate_surveys,
    day,
    employer_surveys,
    posting,
    postings_frame,
)

AS_OF, START = 120, 0
NO_EMPLOYER = employer_surveys([])
NO_CANDIDATE = candidate_surveys([])


def closing(board: int, ids: range, *, life: int, first: int = 10, **kw: Any) -> list[dict]:
    """Postings of distinct jobs that all close after `life` days."""
    return [
        posting(i, board=board, first=first, last=first + life, title=f"Job {i}", **kw) for i in ids
    ]


def staying_open(board: int, ids: range, *, first: int = 10, **kw: Any) -> list[dict]:
    return [posting(i, board=board, first=first, as_of=AS_OF, title=f"Job {i}", **kw) for i in ids]


def scores(
    rows: list[dict],
    industries: dict[int, str | None] | None = None,
    employer: pl.DataFrame = NO_EMPLOYER,
    candidate: pl.DataFrame = NO_CANDIDATE,
    **kw: Any,
) -> pl.DataFrame:
    postings = postings_frame(rows)
    boards = boards_frame(industries or dict.fromkeys(postings["job_board_id"].unique(), None))
    return efficiency_scores(
        postings, boards, employer, candidate, as_of=day(AS_OF), tracking_start=day(START), **kw
    )


def board_rows(result: pl.DataFrame) -> pl.DataFrame:
    return result.filter(pl.col("role_family").is_null(), pl.col("industry").is_null())


def test_a_ghost_board_scores_lower_than_a_fast_board() -> None:
    fast = closing(1, range(1, 21), life=5)
    # Ghost: 18 of 20 never close; the 2 that do close within 3 days, so the specified mean of closed
    # postings (3 days) would have rated it faster than the fast board (5 days).
    ghost = closing(2, range(21, 23), life=3) + staying_open(2, range(23, 41))
    result = board_rows(scores(fast + ghost))
    by_board = {row["job_board_id"]: row for row in result.iter_rows(named=True)}
    closed_median = {board: row["details"]["closed_median_days"] for board, row in by_board.items()}
    assert closed_median[2] < closed_median[1]
    assert by_board[1]["lifespan_score"] == 100.0
    assert by_board[2]["lifespan_score"] == 0.0
    assert by_board[2]["details"]["km_median_reached"] is False
    assert by_board[2]["overall_score"] < by_board[1]["overall_score"]
    assert (by_board[1]["grade"], by_board[2]["grade"]) == ("A+", "F")


@pytest.mark.parametrize(
    ("median_days", "lifespan_score"),
    [(3, 100.0), (7, 100.0), (34, 49.06), (60, 0.0), (75, 0.0)],
)
def test_lifespan_scale_on_the_km_median(median_days: int, lifespan_score: float) -> None:
    result = board_rows(scores(closing(1, range(1, 11), life=median_days)))
    assert result["lifespan_score"].item() == lifespan_score
    assert result["details"].item()["km_median_days"] == median_days


@pytest.fixture
def scored_history() -> list[dict]:
    """10 postings closing after 34 days (lifespan 49.06), one a repost: rate 10%, score 80."""
    jobs = closing(1, range(1, 10), life=34)
    repost = posting(10, first=60, last=94, title="Job 1")
    return [*jobs, repost]


EMPLOYER_50 = employer_surveys([(1, 10, "excellent", 100), (1, 1, "poor", 100)])
CANDIDATE_75 = candidate_surveys([(1, (10, 10, 10, 1), 100)])


@pytest.mark.parametrize(
    ("employer", "candidate", "overall", "completeness"),
    [
        # (0.4 x 49.0566 + 0.3 x 80 + 0.2 x 50 + 0.1 x 75) / 1.0 x 0.95
        (EMPLOYER_50, CANDIDATE_75, 58.07, 1.0),
        # (0.4 x 49.0566 + 0.3 x 80 + 0.2 x 50) / 0.9 x 0.95
        (EMPLOYER_50, NO_CANDIDATE, 56.6, 0.75),
        # (0.4 x 49.0566 + 0.3 x 80 + 0.1 x 75) / 0.8 x 0.95
        (NO_EMPLOYER, CANDIDATE_75, 60.71, 0.75),
        # (0.4 x 49.0566 + 0.3 x 80) / 0.7 x 0.95
        (NO_EMPLOYER, NO_CANDIDATE, 59.2, 0.5),
    ],
)
def test_missing_components_spread_their_weight_and_lower_completeness(
    scored_history: list[dict],
    employer: pl.DataFrame,
    candidate: pl.DataFrame,
    overall: float,
    completeness: float,
) -> None:
    row = board_rows(scores(scored_history, employer=employer, candidate=candidate)).row(
        0, named=True
    )
    assert (row["lifespan_score"], row["repost_score"]) == (49.06, 80.0)
    assert row["quality_adjustment"] == 0.95
    assert row["overall_score"] == overall
    assert row["data_completeness"] == completeness
    assert row["employer_survey_score"] == (50.0 if employer.height else None)
    assert row["candidate_survey_score"] == (75.0 if candidate.height else None)


def test_details_carry_the_inputs(scored_history: list[dict]) -> None:
    details = board_rows(scores(scored_history, employer=EMPLOYER_50)).row(0, named=True)["details"]
    assert details == {
        "insufficient_data": False,
        "km_median_days": 34,
        "km_median_reached": True,
        # Every posting closes on day 34: the interval is (34, unknown) there.
        "km_median_ci_low_days": 34,
        "km_median_ci_high_days": None,
        "km_p75_days": 34,
        "followup_max_days": 34,
        "estimate_postings": 10,
        "estimate_closed_postings": 10,
        "fake_fresh_postings": 0,
        "fake_fresh_share": None,
        "freshness_adjustment": 1.0,
        "closed_median_days": 34.0,
        "repost_rate_pct": 10.0,
        "postings": 10,
        "active_postings": 0,
        "closed_postings": 10,
        "left_censored_postings": 0,
        "reposts": 1,
        "repost_clusters": 1,
        "employer_responses": 2,
        "candidate_responses": 0,
        "pay_stated_postings": 0,
        "pay_stated_pct": 0.0,
    }


def test_survey_ratings_are_mapped_from_1_10() -> None:
    employer = employer_surveys(
        [
            (1, 1, None, 100),  # 0
            (1, 10, None, 100),  # 100
            (2, 5, "good", 100),  # 44.44 and 66.67
            (2, 0, "Fair ", 100),  # 0 is out of range: ignored; fair 33.33
            (3, 11, "unknown", 100),  # nothing valid: no response
            (4, 10, None, AS_OF + 1),  # after as_of: ignored
            (4, 1, None, AS_OF - DEFAULT_SETTINGS.survey_lookback_days),  # too old: ignored
            (4, 4, None, AS_OF - DEFAULT_SETTINGS.survey_lookback_days + 1),  # 33.33
        ]
    )
    candidate = candidate_surveys([(1, (1, 10, None, 4), 100)])  # 0, 100, 33.33
    result = survey_scores(employer, candidate, as_of=day(AS_OF))
    rows = {row["job_board_id"]: row for row in result.iter_rows(named=True)}
    assert rows[1]["employer_survey_score"] == pytest.approx(50.0)
    assert rows[1]["employer_responses"] == 2
    assert rows[1]["candidate_survey_score"] == pytest.approx((0 + 100 + 100 / 3) / 3)
    assert rows[2]["employer_survey_score"] == pytest.approx((400 / 9 + 200 / 3 + 100 / 3) / 3)
    assert rows[2]["employer_responses"] == 2
    assert rows[3]["employer_survey_score"] is None
    assert rows[3]["employer_responses"] == 0
    assert rows[4]["employer_survey_score"] == pytest.approx(100 / 3)
    assert rows[4]["employer_responses"] == 1


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100.0, "A+"),
        (90.0, "A+"),
        (89.99, "A"),
        (85.0, "A"),
        (84.99, "B+"),
        (80.0, "B+"),
        (79.99, "B"),
        (75.0, "B"),
        (74.99, "C+"),
        (70.0, "C+"),
        (69.99, "C"),
        (60.0, "C"),
        (59.99, "D"),
        (50.0, "D"),
        (49.99, "F"),
        (0.0, "F"),
    ],
)
def test_grades_at_the_boundaries(score: float, grade: str) -> None:
    assert pl.select(letter_grade(pl.lit(score))).item() == grade


def test_quality_adjustment_table_and_its_softened_last_step() -> None:
    rates = pl.Series("rate", [0.0, 4.99, 5.0, 14.99, 15.0, 29.99, 30.0, 49.99, 50.0, 100.0])
    softened = pl.select(quality_adjustment(pl.lit(rates))).to_series().to_list()
    assert softened == [1.0, 1.0, 0.95, 0.95, 0.85, 0.85, 0.70, 0.70, 0.5, 0.5]
    specified = replace(DEFAULT_SETTINGS, quality_adjustment_floor=0.0)
    assert pl.select(quality_adjustment(pl.lit(rates), specified)).to_series().to_list()[-2:] == [
        0.0,
        0.0,
    ]


def test_a_board_with_most_postings_reposted_keeps_a_score() -> None:
    # Job 1 posted three times, jobs 2 and 3 once each: 2 reposts in 4 postings... plus one
    # more repost of job 2: 3 reposts in 5 postings = 60%.
    rows = [
        posting(1, first=10, last=15, title="Job 1"),
        posting(2, first=20, last=25, title="Job 1"),
        posting(3, first=30, last=35, title="Job 1"),
        posting(4, first=10, last=15, title="Job 2"),
        posting(5, first=20, last=25, title="Job 2"),
    ]
    few = replace(DEFAULT_SETTINGS, min_estimate_postings=5)
    row = board_rows(scores(rows, settings=few)).row(0, named=True)
    assert row["details"]["repost_rate_pct"] == 60.0
    assert (row["repost_score"], row["quality_adjustment"]) == (0.0, 0.5)
    assert row["overall_score"] == pytest.approx(100 * 0.4 / 0.7 * 0.5, abs=0.01)
    zeroed = board_rows(scores(rows, settings=replace(few, quality_adjustment_floor=0.0)))
    assert zeroed["overall_score"].item() == 0.0


@pytest.fixture
def three_boards() -> list[dict]:
    fast = closing(1, range(1, 11), life=5)  # 100
    medium = closing(2, range(11, 21), life=34)  # (0.4 x 49.06 + 30) / 0.7 = 70.89
    ghost = closing(3, range(21, 23), life=3) + staying_open(3, range(23, 31))  # 30 / 0.7
    return fast + medium + ghost


def test_rank_percentile_and_trend(three_boards: list[dict]) -> None:
    previous = pl.DataFrame(
        {
            "job_board_id": [1, 2],
            "role_family": [None, None],
            "industry": [None, None],
            "overall_score": [90.0, 75.0],
        },
        schema_overrides={"role_family": pl.Utf8, "industry": pl.Utf8},
    )
    result = board_rows(scores(three_boards, previous_scores=previous))
    assert result.select("job_board_id", "overall_score", "rank", "percentile", "trend").rows() == [
        (1, 100.0, 1, 100.0, 10.0),
        (2, 70.89, 2, 50.0, -4.11),
        (3, 42.86, 3, 0.0, None),
    ]
    assert board_rows(scores(three_boards))["trend"].null_count() == 3


def test_ties_share_the_best_rank() -> None:
    rows = closing(1, range(1, 11), life=5) + closing(2, range(11, 21), life=6)
    result = board_rows(scores(rows))
    assert result.select("rank", "percentile").rows() == [(1, 100.0), (1, 100.0)]


def test_role_family_rows_need_enough_postings_and_rank_within_the_family() -> None:
    minimum = DEFAULT_SETTINGS.min_role_family_postings
    rows = [
        *closing(1, range(1, 1 + minimum), life=5, role_family="data"),
        *closing(1, range(100, 100 + minimum - 1), life=5, role_family="design"),
        *closing(2, range(200, 200 + minimum), life=34, role_family="data"),
    ]
    families = scores(rows).filter(pl.col("role_family").is_not_null())
    assert families.select("job_board_id", "role_family", "rank", "percentile").rows() == [
        (1, "data", 1, 100.0),
        (2, "data", 2, 0.0),
    ]
    assert families["details"].struct.field("postings").to_list() == [minimum, minimum]


def test_board_rows_say_what_share_of_postings_state_pay() -> None:
    minimum = DEFAULT_SETTINGS.min_role_family_postings
    rows = [
        *closing(1, range(1, 1 + minimum), life=5, salary_min=90_000.0),
        *closing(1, range(100, 100 + minimum), life=5),
        *closing(2, range(200, 200 + minimum), life=34),
    ]
    result = scores(rows)

    details = {
        row["job_board_id"]: row["details"] for row in board_rows(result).iter_rows(named=True)
    }
    assert (details[1]["pay_stated_postings"], details[1]["pay_stated_pct"]) == (minimum, 50.0)
    assert (details[2]["pay_stated_postings"], details[2]["pay_stated_pct"]) == (0, 0.0)
    families = result.filter(pl.col("role_family").is_not_null())["details"]
    assert families.struct.field("pay_stated_pct").null_count() == families.len()  # board rows only


def test_industry_rows_rank_within_their_industry(three_boards: list[dict]) -> None:
    result = scores(three_boards, industries={1: "tech", 2: "health", 3: "tech"})
    industries = result.filter(pl.col("industry").is_not_null())
    assert industries.select("industry", "job_board_id", "rank", "percentile").rows() == [
        ("health", 2, 1, 100.0),
        ("tech", 1, 1, 100.0),
        ("tech", 3, 2, 0.0),
    ]
    assert industries["role_family"].null_count() == 3
    whole = board_rows(result).select("job_board_id", "overall_score")
    assert industries.select("job_board_id", "overall_score").sort("job_board_id").equals(whole)


def test_output_columns(three_boards: list[dict]) -> None:
    assert scores(three_boards).columns == [
        "job_board_id",
        "role_family",
        "industry",
        "overall_score",
        "lifespan_score",
        "repost_score",
        "employer_survey_score",
        "candidate_survey_score",
        "quality_adjustment",
        "data_completeness",
        "fake_fresh_share",
        "grade",
        "rank",
        "percentile",
        "trend",
        "details",
    ]


def test_board_ids_of_another_integer_type_still_join(three_boards: list[dict]) -> None:
    postings = postings_frame(three_boards).with_columns(pl.col("job_board_id").cast(pl.Int32))
    boards = boards_frame({1: "tech", 2: "tech", 3: None}).with_columns(pl.col("id").cast(pl.Int16))
    employer = EMPLOYER_50.with_columns(pl.col("job_board_id").cast(pl.Int32))
    result = efficiency_scores(
        postings, boards, employer, NO_CANDIDATE, as_of=day(AS_OF), tracking_start=day(START)
    )
    assert result.filter(pl.col("industry") == "tech").height == 2
    first_board = board_rows(result).filter(pl.col("job_board_id") == 1)
    assert first_board["data_completeness"].item() == 0.75


def test_insufficient_data_is_its_own_grade_not_an_f() -> None:
    # Board 1: 10 postings seen to open on day 100, none closed 20 days later: the median is
    # not reached with a short follow-up. Board 2: only standing stock (first seen on the
    # tracking start, no board date): nothing to estimate from. Board 3: closes in 5 days.
    rows = [
        *staying_open(1, range(1, 11), first=100),
        *staying_open(2, range(11, 21), first=START),
        *closing(3, range(21, 31), life=5),
    ]
    by_board = {row["job_board_id"]: row for row in board_rows(scores(rows)).iter_rows(named=True)}
    for board in (1, 2):
        row = by_board[board]
        assert (row["grade"], row["overall_score"], row["rank"]) == ("I", None, None)
        assert row["lifespan_score"] is None and row["details"]["insufficient_data"] is True
    assert (by_board[3]["grade"], by_board[3]["rank"]) == ("A+", 1)
    # The same board 1 followed for 110 days without a closing has earned its 0.
    assert board_rows(scores(staying_open(1, range(1, 11))))["lifespan_score"].item() == 0.0


def test_fake_freshness_discounts_the_lifespan_component() -> None:
    honest = closing(1, range(1, 11), life=5) + staying_open(1, range(11, 21), first=60)
    # The same board re-stamping its open postings: dated 2 days before as_of, seen 60 days.
    restamped = closing(1, range(1, 11), life=5) + staying_open(
        1, range(11, 21), first=60, posted=AS_OF - 2
    )
    plain = board_rows(scores(honest)).row(0, named=True)
    stamped = board_rows(scores(restamped)).row(0, named=True)
    assert stamped["fake_fresh_share"] == 1.0 and plain["fake_fresh_share"] is None
    assert stamped["details"]["freshness_adjustment"] == 0.0
    assert stamped["lifespan_score"] == 0.0 < plain["lifespan_score"]
