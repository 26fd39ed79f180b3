"""The ground truth agrees with what goes over the wire, day by day, and says how a pipeline sees it."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

import pytest
import requests

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.server import SimServer
from jobboard_assets_tests.sim.wire import served_ids

START = date(2025, 9, 1)
END = START + timedelta(days=19)
DAYS = [START + timedelta(days=offset) for offset in range((END - START).days + 1)]
TRUTH_KEYS = {
    "board",
    "external_id",
    "job_key",
    "repost_index",
    "title",
    "base_title",
    "company",
    "location",
    "first_day",
    "last_day",
    "evergreen",
    "board_date",
    "stale",
}


@pytest.fixture(scope="module")
def truth(market: SimulatedMarket) -> dict:
    return market.truth(START, END)


@pytest.fixture(scope="module")
def observed(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> dict[tuple[str, date], set[str]]:
    """What a daily scrape of every board over HTTP sees: ids per (board, day)."""
    return {
        (board.slug, day): served_ids(http, server.base_url, board, day)
        for board in market.boards
        for day in DAYS
    }


def test_each_day_every_board_serves_exactly_the_truths_postings_of_that_day(
    truth: dict,
    observed: dict[tuple[str, date], set[str]],
) -> None:
    expected: dict[tuple[str, date], set[str]] = defaultdict(set)
    for posting in truth["postings"]:
        first = date.fromisoformat(posting["first_day"])
        last = END if posting["last_day"] is None else date.fromisoformat(posting["last_day"])
        for day in DAYS:
            if first <= day <= last:
                expected[(posting["board"], day)].add(posting["external_id"])
    mismatched = [key for key, ids in observed.items() if ids != expected[key]]
    assert not mismatched, f"{len(mismatched)} board-days differ, e.g. {mismatched[:3]}"
    assert all(observed.values()), "every board lists postings every day"


def test_a_daily_scrape_observes_first_and_last_seen_as_documented(
    truth: dict,
    observed: dict[tuple[str, date], set[str]],
) -> None:
    seen: dict[tuple[str, str], list[date]] = defaultdict(list)
    for (board, day), ids in observed.items():
        for external_id in ids:
            seen[(board, external_id)].append(day)
    for posting in truth["postings"]:
        days = seen.pop((posting["board"], posting["external_id"]))
        last_day = (
            END
            if posting["last_day"] is None
            else min(date.fromisoformat(posting["last_day"]), END)
        )
        assert min(days) == max(date.fromisoformat(posting["first_day"]), START)
        assert max(days) == last_day
        assert len(days) == (max(days) - min(days)).days + 1, (
            "a posting is served every day of its life"
        )
    assert not seen, "nothing is served that the truth does not list"


def test_truth_records_are_json_with_the_documented_fields(truth: dict) -> None:
    assert json.loads(json.dumps(truth)) == truth
    assert {truth["start"], truth["end"]} == {START.isoformat(), END.isoformat()}
    assert len(truth["boards"]) == 33
    assert truth["postings"], "a 20-day range of 33 boards has postings"
    for posting in truth["postings"]:
        assert set(posting) == TRUTH_KEYS
        assert posting["evergreen"] == (posting["last_day"] is None)
        assert posting["first_day"] <= END.isoformat()
        assert posting["last_day"] is None or posting["last_day"] >= START.isoformat()
    assert any(p["last_day"] and p["last_day"] > END.isoformat() for p in truth["postings"]), (
        "the truth knows the future"
    )
    assert any(p["first_day"] < START.isoformat() for p in truth["postings"]), (
        "left-censored postings are listed"
    )


def test_board_date_is_the_date_the_board_shows_on_the_last_day_in_range(
    market: SimulatedMarket,
    server: SimServer,
    http: requests.Session,
    truth: dict,
) -> None:
    board = next(b for b in market.boards if b.kind == "workable" and b.restamp_days is not None)
    expected = {
        p["external_id"]: p["board_date"]
        for p in truth["postings"]
        if p["board"] == board.slug and (p["last_day"] is None or p["last_day"] >= END.isoformat())
    }
    url = server.base_url + f"/workable/api/v1/widget/accounts/{board.slug}?date={END.isoformat()}"
    shown = {job["shortcode"]: job["published_on"] for job in http.get(url).json()["jobs"]}
    assert shown == expected
