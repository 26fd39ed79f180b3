"""The merge rules as a pure function: idempotence, reappearance, the zero-postings trap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jobboard_assets.pipeline.merge import (
    StoredPosting,
    SuspectRule,
    SuspectScrapeError,
    plan_merge,
)
from jobboard_assets.sources.records import PostingRecord

DAY = date(2026, 3, 10)
RULE = SuspectRule(min_ratio=0.5, min_active=10)


def record(external_id: str, title: str = "Engineer") -> PostingRecord:
    return PostingRecord(
        external_id=external_id,
        url=f"https://example.test/{external_id}",
        title=title,
        company="Acme",
        location="Berlin",
        department=None,
        remote=False,
        posted_at=None,
        description_text=None,
        content_hash=f"hash-{title}",
        normalized_title=title.lower(),
        role_family="engineering",
    )


def stored(
    external_id: str,
    posting_id: int,
    *,
    active: bool = True,
    first: date = DAY - timedelta(days=5),
    last: date = DAY - timedelta(days=1),
    gone: date | None = None,
) -> StoredPosting:
    return StoredPosting(
        id=posting_id,
        external_id=external_id,
        is_active=active,
        first_seen=first,
        last_seen=last,
        disappeared_at=gone,
        content_hash="hash-Engineer",
    )


def test_new_seen_and_gone() -> None:
    state = [stored("a", 1), stored("b", 2)]
    plan = plan_merge(state, [record("a"), record("c")], DAY, RULE)
    assert [r.external_id for r in plan.inserts] == ["c"]
    assert plan.updates == [] and plan.touches == [1]  # unchanged: only last_seen moves
    assert plan.closes == [2]


def test_same_day_twice_changes_nothing() -> None:
    state = [
        stored("a", 1, last=DAY),
        stored("b", 2, active=False, last=DAY - timedelta(days=1), gone=DAY),
    ]
    plan = plan_merge(state, [record("a")], DAY, RULE)
    assert plan.inserts == [] and plan.updates == [] and plan.touches == [] and plan.closes == []


def test_listing_that_comes_back_reappears() -> None:
    state = [
        stored("a", 1, active=False, last=DAY - timedelta(days=3), gone=DAY - timedelta(days=2))
    ]
    plan = plan_merge(state, [record("a")], DAY, RULE)
    assert [(u.id, u.reappeared, u.last_seen) for u in plan.updates] == [(1, True, DAY)]
    assert plan.reappeared == 1


def test_rerun_of_an_older_day_moves_first_seen_back_and_closes_nothing() -> None:
    state = [
        stored("a", 1, first=DAY, last=DAY + timedelta(days=3)),
        stored("b", 2, first=DAY, last=DAY + timedelta(days=3)),
    ]
    plan = plan_merge(state, [record("a")], DAY - timedelta(days=1), RULE)
    assert [(u.id, u.first_seen) for u in plan.updates] == [(1, DAY - timedelta(days=1))]
    assert plan.closes == []


def test_changed_content_is_updated() -> None:
    state = [stored("a", 1, last=DAY)]
    plan = plan_merge(state, [record("a", title="Staff Engineer")], DAY, RULE)
    assert [u.record.title for u in plan.updates] == ["Staff Engineer"]


@pytest.mark.parametrize(
    "listed,active,message",
    [
        (0, 3, "listed 0 postings but 3 are active"),
        (4, 20, "listed 4 postings but 20 are active"),
    ],
)
def test_suspect_scrapes_close_nothing(listed: int, active: int, message: str) -> None:
    state = [stored(f"s{i}", i) for i in range(active)]
    with pytest.raises(SuspectScrapeError, match=message):
        plan_merge(state, [record(f"s{i}") for i in range(listed)], DAY, RULE)


def test_no_known_id_listed_is_suspect() -> None:
    state = [stored(f"old{i}", i) for i in range(12)]
    with pytest.raises(SuspectScrapeError, match="none of the 12 active posting ids"):
        plan_merge(state, [record(f"new{i}") for i in range(12)], DAY, RULE)


def test_small_boards_may_shrink_but_not_to_zero() -> None:
    state = [stored(f"s{i}", i) for i in range(4)]
    plan = plan_merge(state, [record("s0")], DAY, RULE)
    assert sorted(plan.closes) == [1, 2, 3]


def test_first_scrape_of_a_board_is_never_suspect() -> None:
    assert plan_merge([], [], DAY, RULE).inserts == []
