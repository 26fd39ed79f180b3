"""The history rules as pure functions: spans around a day, derived state, the suspect rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jobboard_assets.metrics.spans import (
    Neighbours,
    SuspectRule,
    SuspectScrapeError,
    check_suspect,
    derive_state,
    respan,
)

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


@pytest.mark.parametrize(
    "listed,neighbour,message",
    [
        (0, 3, "listed 0 postings on 2026-03-05 but 3 on 2026-03-04"),
        (4, 20, "listed 4 postings on 2026-03-05 but 20 on 2026-03-04"),
    ],
)
def test_suspect_scrapes_are_refused(listed: int, neighbour: int, message: str) -> None:
    with pytest.raises(SuspectScrapeError, match=message):
        check_suspect(
            {f"s{i}" for i in range(listed)},
            {D[3]: {f"s{i}" for i in range(neighbour)}},
            D[4],
            RULE,
        )


def test_a_backfilled_day_is_compared_with_its_neighbours_not_with_the_present() -> None:
    # 13 listed on day 4; the board lists 63 today, but days 3 and 5 listed 14 and 12.
    listing = {f"s{i}" for i in range(13)}
    check_suspect(
        listing,
        {D[3]: {f"s{i}" for i in range(14)}, D[5]: {f"s{i}" for i in range(12)}},
        D[4],
        RULE,
    )
    with pytest.raises(SuspectScrapeError, match="on 2026-03-06"):
        check_suspect(listing, {D[5]: {f"s{i}" for i in range(40)}}, D[4], RULE)


def test_no_known_id_listed_is_suspect() -> None:
    with pytest.raises(SuspectScrapeError, match="none of the 12 posting ids"):
        check_suspect(
            {f"new{i}" for i in range(12)}, {D[3]: {f"old{i}" for i in range(12)}}, D[4], RULE
        )


def test_small_boards_may_shrink_but_not_to_zero_and_first_days_are_believed() -> None:
    check_suspect({"s0"}, {D[3]: {"s0", "s1", "s2", "s3"}}, D[4], RULE)
    check_suspect(set(), {}, D[4], RULE)
