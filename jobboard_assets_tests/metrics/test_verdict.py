"""A verdict where the evidence is there: bounded grades and the ghost-heavy flag.

By hand on rows whose ceilings are worked out below, and on the simulated markets of three seeds
and the demo's after 30 tracked days: no fast or normal board is bounded or flagged, every ghost-heavy board (stale
profile, listings with dates) is both, and "insufficient data" stays only where nothing bounds.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest

from jobboard_assets.metrics import efficiency_scores
from jobboard_assets.metrics.efficiency import INSUFFICIENT_GRADE
from jobboard_assets.metrics.observations import with_tracking_start
from jobboard_assets.metrics.verdict import bounded_grade, ghost_heavy, overall_ceiling
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets_tests.metrics.frames import candidate_surveys, employer_surveys
from jobboard_assets_tests.metrics.sim_history import UNDATED_KINDS, boards_of, observed_history

START = date(2026, 1, 5)


def row(
    floor: int, freshness: float, repost: float, adjustment: float, **more: Any
) -> dict[str, Any]:
    return {
        "insufficient_data": True,
        "km_median_reached": False,
        "followup_max_days": floor,
        "estimate_postings": 40,
        "freshness_adjustment": freshness,
        "repost_score": repost,
        "employer_survey_score": None,
        "candidate_survey_score": None,
        "quality_adjustment": adjustment,
        **more,
    }


@pytest.mark.parametrize(
    ("given", "ceiling", "verdict"),
    [
        # lifespan <= (60 - 35) / 53 x 100 x 0.5 = 23.58; (23.58 x .4 + 100 x .3) / .7 = 56.33: D
        (row(35, 0.5, 100.0, 1.0), 56.33, "D or worse"),
        # (60 - 45) / 53 x 100 x 0.2 = 5.66; (2.26 + 24) / .7 = 37.52, x 0.95 = 35.64: F
        (row(45, 0.2, 80.0, 0.95), 35.64, "F"),
        # (60 - 30) / 53 x 100 x 0.6 = 33.96; (13.58 + 30) / .7 = 62.26: C, a passing grade
        (row(30, 0.6, 100.0, 1.0), 62.26, None),
        # an employer survey of 20 weighs in: (23.58 x .4 + 100 x .3 + 20 x .2) / .9 = 48.26
        (row(35, 0.5, 100.0, 1.0, employer_survey_score=20.0), 48.26, "F"),
    ],
)
def test_the_ceiling_and_the_bounded_grade_by_hand(
    given: dict[str, Any], ceiling: float, verdict: str | None
) -> None:
    assert overall_ceiling(given) == pytest.approx(ceiling, abs=0.01)
    assert bounded_grade(given) == verdict


def test_nothing_is_bounded_without_a_bound() -> None:
    assert bounded_grade(row(35, 0.5, 100.0, 1.0, km_median_reached=True)) is None
    assert bounded_grade(row(35, 0.5, 100.0, 1.0, estimate_postings=9)) is None
    assert bounded_grade(row(35, 0.5, 100.0, 1.0, insufficient_data=False)) is None


def test_ghost_heavy_needs_most_open_postings_and_enough_of_them() -> None:
    assert ghost_heavy({"fake_fresh_share": 0.5, "fake_fresh_postings": 10})
    assert not ghost_heavy({"fake_fresh_share": 0.49, "fake_fresh_postings": 100})
    assert not ghost_heavy({"fake_fresh_share": 0.9, "fake_fresh_postings": 9})
    assert not ghost_heavy({"fake_fresh_share": None, "fake_fresh_postings": 0})


@pytest.mark.parametrize("seed", [1, 2, 3, 42])  # 42: the market `make demo` serves
def test_on_simulated_markets_only_ghost_heavy_boards_get_a_verdict(seed: int) -> None:
    market = SimulatedMarket(seed=seed)
    end = START + timedelta(days=29)
    postings, periods = observed_history(market, START, end)
    boards = boards_of(market)
    scored = (
        efficiency_scores(
            with_tracking_start(postings, periods),
            boards,
            employer_surveys([]),
            candidate_surveys([]),
            as_of=end,
        )
        .filter(pl.col("role_family").is_null(), pl.col("industry").is_null())
        .join(boards, left_on="job_board_id", right_on="id")
    )
    verdicts = []
    for board in scored.iter_rows(named=True):
        judged = {**board["details"], **board}
        verdicts.append((board, bounded_grade(judged), ghost_heavy(judged)))
    healthy = [(b["slug"], g, f) for b, g, f in verdicts if b["profile"] != "stale" and (g or f)]
    assert healthy == []
    dated_stale = [
        (b["slug"], b["grade"], g, f)
        for b, g, f in verdicts
        if b["profile"] == "stale" and b["kind"] not in UNDATED_KINDS
    ]
    assert dated_stale and all(f for *_, f in dated_stale)
    assert all(g is not None for _, grade, g, _ in dated_stale if grade == INSUFFICIENT_GRADE)
    unbounded = [b["slug"] for b, g, _ in verdicts if b["grade"] == INSUFFICIENT_GRADE and not g]
    print(
        f"seed {seed}: {sum(1 for _, g, _ in verdicts if g)} bounded, "
        f"{sum(1 for *_, f in verdicts if f)} ghost-heavy, still insufficient: {unbounded}"
    )
