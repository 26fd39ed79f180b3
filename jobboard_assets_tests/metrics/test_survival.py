"""Kaplan-Meier against textbook values, tie handling, and properties under random data."""

from __future__ import annotations

import itertools
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobboard_assets.metrics import (
    kaplan_meier,
    posting_survival_curve,
    posting_survival_summary,
    survival_quantiles,
)
from jobboard_assets.metrics.observations import (
    OBSERVED_SINCE,
    posting_observations,
    tracking_periods,
    with_tracking_start,
)
from jobboard_assets.metrics.settings import Window
from jobboard_assets_tests.metrics.frames import day, posting, postings_frame


def observations(durations: list[int], events: list[bool], group: int = 1) -> pl.DataFrame:
    return pl.DataFrame(
        {"g": [group] * len(durations), "duration_days": durations, "event": events},
        schema={"g": pl.Int64, "duration_days": pl.Int64, "event": pl.Boolean},
    )


# Freireich et al. (1963), 6-MP arm, as in Kleinbaum & Klein, "Survival Analysis", ch. 2:
# weeks of remission; False = censored. Ties at 6 and 10 mix events and censorings.
FREIREICH_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
FREIREICH_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
FREIREICH_SURVIVAL = {
    6: 0.8571,
    7: 0.8067,
    10: 0.7529,
    13: 0.6902,
    16: 0.6275,
    22: 0.5378,
    23: 0.4482,
}


def test_textbook_example_freireich_6mp() -> None:
    curve = kaplan_meier(observations(FREIREICH_WEEKS, [bool(e) for e in FREIREICH_EVENT]), "g")
    at_event_times = curve.filter(pl.col("events") > 0)
    assert at_event_times["time"].to_list() == list(FREIREICH_SURVIVAL)
    assert at_event_times["survival"].round(4).to_list() == list(FREIREICH_SURVIVAL.values())
    assert curve.filter(pl.col("time") == 6).row(0, named=True) == {
        "g": 1,
        "time": 6,
        "at_risk": 21,
        "events": 3,
        "censored": 1,
        "survival": pytest.approx(18 / 21),
        "survival_se": pytest.approx(0.0764, abs=1e-4),
    }
    # Greenwood's standard errors, as in Kleinbaum & Klein's table.
    assert at_event_times["survival_se"].round(3).to_list() == [
        0.076,
        0.087,
        0.096,
        0.107,
        0.114,
        0.128,
        0.135,
    ]
    # After 23 only censorings: the curve stays at 0.4482 and never reaches 0.25.
    assert curve["survival"].tail(1).round(4).item() == 0.4482
    summary = survival_quantiles(curve, "g").row(0, named=True)
    assert summary["km_median_days"] == 23
    assert summary["km_p75_days"] is None
    assert summary["km_median_reached"] is True
    assert (summary["observed"], summary["events"], summary["followup_max_days"]) == (21, 9, 35)
    # 95% CI of the median: S(13) - 1.96 se = 0.48 is the first at or below 0.5; S + 1.96 se
    # never is, so the upper end is not reached.
    assert (summary["km_median_ci_low_days"], summary["km_median_ci_high_days"]) == (13, None)


def test_events_come_before_censorings_at_the_same_time() -> None:
    # At t=3: two events and one censoring. Events first: 5 at risk, S = 5/6 * 3/5 = 1/2.
    # (Censoring first would leave 4 at risk and S = 5/6 * 2/4 = 5/12.)
    events = [True, True, False, True, False, True]
    curve = kaplan_meier(observations([2, 3, 3, 3, 5, 7], events), "g")
    assert curve.select("time", "at_risk", "events", "censored").rows() == [
        (2, 6, 1, 0),
        (3, 5, 2, 1),
        (5, 2, 0, 1),
        (7, 1, 1, 0),
    ]
    assert curve["survival"].to_list() == pytest.approx([5 / 6, 1 / 2, 1 / 2, 0.0])
    summary = survival_quantiles(curve, "g").row(0, named=True)
    assert summary["km_median_days"] == 3  # S(3) is exactly 0.5: the median is reached there
    assert summary["km_p75_days"] == 7


def test_median_is_null_when_more_than_half_never_close() -> None:
    curve = kaplan_meier(observations([4, 30, 40, 50], [True, False, False, False]), "g")
    summary = survival_quantiles(curve, "g").row(0, named=True)
    assert summary["km_median_days"] is None
    assert summary["km_median_reached"] is False
    assert summary["km_median_floor_days"] == 50  # known only to exceed the longest follow-up


def test_groups_are_independent() -> None:
    both = pl.concat(
        [
            observations([1, 2, 3], [True, True, True], group=1),
            observations([10, 20], [True, False], group=2),
        ]
    )
    summary = survival_quantiles(kaplan_meier(both, "g"), "g")
    assert summary.select("g", "km_median_days", "km_median_reached").rows() == [
        (1, 2, True),
        (2, 10, True),
    ]


def test_postings_open_are_censored_at_their_age_and_the_standing_stock_is_left_out() -> None:
    postings = postings_frame(
        [
            posting(1, first=10, last=15),  # closed after 5 days: an event
            posting(2, first=20, as_of=40),  # open: censored at its age, 20
            posting(3, first=0, last=3),  # open on the first tracking day: left out
            posting(4, first=10, as_of=40),  # open: censored at 30
        ]
    )
    curve = posting_survival_curve(postings, "job_board_id", as_of=day(40), tracking_start=day(0))
    assert curve.select("time", "at_risk", "events", "censored").rows() == [
        (5, 3, 1, 0),
        (20, 2, 0, 1),
        (30, 1, 0, 1),
    ]
    assert curve["survival"].to_list() == pytest.approx([2 / 3, 2 / 3, 2 / 3])
    summary = posting_survival_summary(
        postings, "job_board_id", as_of=day(40), tracking_start=day(0)
    ).row(0, named=True)
    assert summary["km_median_days"] is None
    # Had tracking started earlier, posting 3 would be an event at 3: S(5) = 3/4 * 2/3 = 1/2.
    earlier = posting_survival_summary(
        postings, "job_board_id", as_of=day(40), tracking_start=day(-1)
    ).row(0, named=True)
    assert earlier["km_median_days"] == 5


def reference_kaplan_meier(durations: list[int], events: list[bool]) -> dict[int, float]:
    """The textbook product-limit estimator, one time at a time."""
    survival, curve = 1.0, {}
    for time in sorted(set(durations)):
        at_risk = sum(1 for d in durations if d >= time)
        deaths = sum(1 for d, e in zip(durations, events, strict=True) if d == time and e)
        survival *= 1 - deaths / at_risk
        curve[time] = survival
    return curve


observation_lists = st.lists(st.tuples(st.integers(0, 40), st.booleans()), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(groups=st.lists(observation_lists, min_size=1, max_size=3))
def test_curve_matches_reference_and_is_a_non_increasing_probability(
    groups: list[list[tuple[int, bool]]],
) -> None:
    frame = pl.concat(
        [
            observations([d for d, _ in rows], [e for _, e in rows], group=index)
            for index, rows in enumerate(groups)
        ]
    )
    curve = kaplan_meier(frame.sample(fraction=1.0, shuffle=True, seed=7), "g")
    for index, rows in enumerate(groups):
        group_curve = curve.filter(pl.col("g") == index)
        expected = reference_kaplan_meier([d for d, _ in rows], [e for _, e in rows])
        assert group_curve["time"].to_list() == list(expected)
        survival = group_curve["survival"].to_list()
        assert survival == pytest.approx(list(expected.values()), abs=1e-12)
        assert all(0.0 <= s <= 1.0 for s in survival)
        assert all(later <= earlier + 1e-12 for earlier, later in itertools.pairwise(survival))
        assert group_curve["at_risk"][0] == len(rows)
        median = survival_quantiles(group_curve, "g")["km_median_days"].item()
        reached = [t for t, s in expected.items() if s <= 0.5 + 1e-9]
        assert median == (reached[0] if reached else None)
        assert not math.isnan(survival[-1])


def test_delayed_entry_counts_a_posting_at_risk_only_from_its_entry() -> None:
    # Entered at 0, 0, 5 and 5; closed at 2, 8 and 6; one censored at 10.
    frame = pl.DataFrame(
        {"g": [1] * 4, "entry": [0, 0, 5, 5], "duration_days": [2, 8, 6, 10]},
    ).with_columns(event=pl.Series([True, True, True, False]))
    curve = kaplan_meier(frame, "g", entry="entry")
    # At 2 only the two that entered at 0 are at risk; at 6 three (the first closed).
    assert curve.select("time", "at_risk", "events", "censored").rows() == [
        (2, 2, 1, 0),
        (6, 3, 1, 0),
        (8, 2, 1, 0),
        (10, 1, 0, 1),
    ]
    assert curve["survival"].to_list() == pytest.approx([1 / 2, 1 / 3, 1 / 6, 1 / 6])


def test_stock_enters_at_its_board_age_when_the_board_dates_are_trusted() -> None:
    honest = postings_frame(
        [
            posting(1, first=0, last=10, posted=-20),  # stock: entry 20, closes at 30
            posting(2, first=5, last=9, posted=5),  # seen to open: 0 to 4
        ]
    )
    curve = posting_survival_curve(honest, "job_board_id", as_of=day(40), tracking_start=day(0))
    assert curve.select("time", "at_risk", "events").rows() == [(4, 1, 1), (30, 1, 1)]
    # A board that re-stamps (a date after our first sighting) gets no delayed entry.
    restamped = postings_frame(
        [
            posting(1, first=0, last=10, posted=-20),
            posting(2, first=5, last=9, posted=8),
        ]
    )
    curve = posting_survival_curve(restamped, "job_board_id", as_of=day(40), tracking_start=day(0))
    assert curve.select("time", "at_risk", "events").rows() == [(4, 1, 1)]


def test_tracking_starts_per_board_and_again_after_a_long_gap() -> None:
    observed = pl.DataFrame(
        {
            "job_board_id": [1, 1, 1, 1, 2, 2],
            "day": [day(0), day(1), day(9), day(10), day(30), day(31)],
        }
    )
    periods = tracking_periods(observed, max_gap_days=7)
    assert periods.rows() == [(1, day(0)), (1, day(9)), (2, day(30))]
    postings = postings_frame(
        [
            posting(1, first=1, as_of=12),
            posting(2, first=9, as_of=12),
            posting(3, first=10, as_of=12),
            posting(4, first=30, as_of=31, board=2),
        ]
    )
    starts = with_tracking_start(postings, periods)
    assert starts.select("id", "tracking_start").rows() == [
        (1, day(0)),
        (2, day(9)),  # first seen right after the gap: standing stock again
        (3, day(9)),
        (4, day(30)),  # board 2 was added later: its own start
    ]


def test_a_posting_opened_before_the_window_enters_at_its_age_on_its_first_day() -> None:
    """Delayed entry at `observed_since`: p1 (opened 10 days before the window, closed after 30)
    is at risk from age 10 on only, so at age 3 the two postings opened in the window decide."""
    frame = postings_frame(
        [
            posting(1, first=90, last=120),  # entry 10, closes at 30
            posting(2, first=100, last=103),  # entry 0, closes at 3
            posting(4, first=100, as_of=150),  # entry 0, open at 50
        ]
    )
    windowed = frame.with_columns(pl.lit(day(100)).alias(OBSERVED_SINCE))
    window: Window = {"as_of": day(150), "tracking_start": day(0)}
    seen = posting_observations(windowed, **window).collect().sort("id")
    assert seen["entry_days"].to_list() == [10, 0, 0]
    assert seen["duration_days"].to_list() == [30, 3, 50]
    # In the window: at age 3, p2 and p4 are at risk and p2 closes: S = 1/2, the median is 3.
    assert posting_survival_summary(windowed, "job_board_id", **window)[
        "km_median_days"
    ].to_list() == [3]
    # The whole history: p1 is at risk from 0, S(3) = 2/3, S(30) = 1/3: the median is 30.
    assert posting_survival_summary(frame, "job_board_id", **window)[
        "km_median_days"
    ].to_list() == [30]
