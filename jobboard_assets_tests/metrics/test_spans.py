"""The history rules as pure functions: spans around a day, derived state, which days are believed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jobboard_assets.metrics.belief import SuspectRule, decide, redecided, withdrawn
from jobboard_assets.metrics.spans import Neighbours, derive_state, respan

D = [date(2026, 3, 1) + timedelta(days=n) for n in range(10)]
RULE = SuspectRule(min_ratio=0.5, min_active=10)


def test_neighbours_ignore_the_day_itself() -> None:
    assert Neighbours.of([D[1], D[3], D[5]], D[3]) == Neighbours(D[1], D[5])
    assert Neighbours.of([D[1], D[5]], D[3]) == Neighbours(D[1], D[5])
    assert Neighbours.of([], D[3]) == Neighbours(None, None)


def test_a_day_between_two_spans_joins_them() -> None:
    assert respan([(D[0], D[1]), (D[3], D[4])], D[2], Neighbours(D[1], D[3]), True) == [
        (D[0], D[4])
    ]


def test_a_day_that_does_not_list_the_posting_splits_its_span() -> None:
    # Days 1 and 3 were observed and listed it; day 2 is backfilled without it.
    assert respan([(D[1], D[3])], D[2], Neighbours(D[1], D[3]), False) == [
        (D[1], D[1]),
        (D[3], D[3]),
    ]


def test_rerunning_a_day_with_the_same_listing_changes_nothing() -> None:
    spans = [(D[0], D[2]), (D[5], D[6])]
    assert respan(spans, D[2], Neighbours(D[1], D[3]), True) == spans
    assert respan(spans, D[3], Neighbours(D[2], D[5]), False) == spans


def test_state_closes_on_the_next_observed_day_and_reopens_on_a_later_span() -> None:
    observed = [D[0], D[1], D[4], D[6], D[7]]  # days 2, 3 and 5 are gaps
    state = derive_state([(D[0], D[1]), (D[6], D[7])], observed)
    assert (state.first_seen, state.last_seen, state.is_active, state.lifespan_days) == (
        D[0],
        D[7],
        True,
        7,
    )
    assert state.events == (
        ("appeared", D[0], None),
        ("disappeared", D[4], "not listed"),
        ("reappeared", D[6], None),
    )
    closed = derive_state([(D[0], D[1])], observed)
    assert (closed.is_active, closed.disappeared_at) == (False, D[4])


def ids(count: int, prefix: str = "s") -> frozenset[str]:
    return frozenset(f"{prefix}{i}" for i in range(count))


@pytest.mark.parametrize(
    "listed,neighbour,message",
    [
        (0, 3, "listed 0 postings but 3 on 2026-03-04"),
        (4, 20, "listed 4 postings but 20 (below 50%) on 2026-03-04"),
    ],
)
def test_a_dip_with_nothing_after_it_is_held(listed: int, neighbour: int, message: str) -> None:
    verdict = decide({D[3]: ids(neighbour), D[4]: ids(listed)}, D[4], RULE)
    assert not verdict.believed and verdict.reason and message in verdict.reason


def test_a_dip_is_held_and_a_shrinkage_the_next_day_confirms_is_believed() -> None:
    dip = {D[4]: ids(100), D[5]: ids(10), D[6]: ids(100)}
    assert not decide(dip, D[5], RULE).believed
    shrink = {D[4]: ids(100), D[5]: ids(10), D[6]: ids(11)}
    assert decide(shrink, D[5], RULE).believed and decide(shrink, D[6], RULE).believed


def test_a_backfilled_day_is_compared_with_its_neighbours_not_with_the_present() -> None:
    # 13 listed on day 4; the board lists 130 eight months later, beyond the tracking gap.
    far = D[4] + timedelta(days=250)
    assert decide({D[4]: ids(13), far: ids(130)}, D[4], RULE).believed
    assert decide({D[3]: ids(14), D[4]: ids(13), D[5]: ids(12)}, D[4], RULE).believed


def test_no_known_id_listed_is_held_until_the_next_day_agrees() -> None:
    changed = {D[3]: ids(12, "old"), D[4]: ids(12, "new")}
    verdict = decide(changed, D[4], RULE)
    assert (
        not verdict.believed and verdict.reason and "none of the 12 posting ids" in verdict.reason
    )
    assert decide({**changed, D[5]: ids(12, "new")}, D[4], RULE).believed


def test_a_tiny_or_empty_first_observation_waits_for_a_confirming_day() -> None:
    assert not decide({D[0]: ids(2)}, D[0], RULE).believed
    assert not decide({D[0]: ids(2), D[1]: ids(130)}, D[0], RULE).believed
    assert decide({D[0]: ids(2), D[1]: ids(3)}, D[0], RULE).believed
    assert not decide({D[0]: frozenset(), D[1]: frozenset()}, D[0], RULE).believed
    assert decide({D[0]: ids(40)}, D[0], RULE).believed
    empties = {D[0]: frozenset(), D[1]: frozenset(), D[2]: ids(40)}
    assert [decide(empties, day, RULE).believed for day in D[:3]] == [False, False, True]


def test_small_boards_may_shrink_but_not_to_zero() -> None:
    assert decide({D[3]: ids(4), D[4]: ids(1)}, D[4], RULE).believed
    assert not decide({D[3]: ids(4), D[4]: frozenset()}, D[4], RULE).believed


def test_a_day_redecides_only_its_nearest_fetched_days_within_the_gap() -> None:
    fetched = [D[0], D[2], D[3], D[5], D[5] + timedelta(days=30)]
    assert redecided(fetched, D[3], RULE.max_gap_days) == [D[2], D[3], D[5]]
    assert redecided(fetched, D[4], RULE.max_gap_days) == [D[3], D[4], D[5]]


def test_a_withdrawn_day_joins_or_cuts_spans() -> None:
    assert withdrawn([(D[1], D[2]), (D[4], D[5])], D[3], D[2], D[4]) == [(D[1], D[5])]
    assert withdrawn([(D[1], D[3])], D[3], D[2], D[4]) == [(D[1], D[2])]
    assert withdrawn([(D[3], D[5])], D[3], D[2], D[4]) == [(D[4], D[5])]
    assert withdrawn([(D[3], D[3])], D[3], D[2], D[4]) == []
    assert withdrawn([(D[1], D[5])], D[3], D[2], D[4]) == [(D[1], D[5])]
