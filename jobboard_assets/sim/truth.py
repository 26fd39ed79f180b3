"""Ground truth: what the simulated boards really served, for tests and benchmarks to compare against.

`build_truth(market, start, end)` lists every posting served on at least one day of
[start, end] (unlisted Ashby postings are not served, so not listed), one record each:

    board         the board slug
    external_id   the id the board's wire format carries: greenhouse and smartrecruiters digits,
                  lever and ashby UUIDs, workable shortcodes, rss the item's guid, html the item's
                  link (both absolute URLs on the board's own host, whatever port serves them)
    job_key       postings with the same job_key are one job: the original and its reposts
    repost_index  0 for the original, 1, 2, ... for its reposts
    title         the title as served; base_title: the same without cosmetic changes
    company, location (the location's display name, e.g. "Berlin, Germany" or "Remote - US")
    first_day     the true first day the posting is served (ISO); may be before `start`
    last_day      the true last day it is served (ISO); may be AFTER `end` (the simulator knows
                  the future), null for evergreens, which are never taken down
    evergreen     last_day is null
    board_date    the date the board itself shows on the posting's last day in range,
                  min(last_day, end); on "stale" boards it is re-stamped to look recent
    stale         on that day: an evergreen (no vacancy behind it) or a re-stamped board date

A pipeline that scrapes every board on every day from `start` to `end` (and never before)
observes each posting exactly as:

    first_seen = max(first_day, start)
    last_seen  = min(last_day, end)      (evergreens: end)
    open at the end of the run  <=>  evergreen or last_day > end
    left-censored               <=>  first_day < start

so tests can compare its output with this document exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from jobboard_assets.sim.catalog import BoardSpec
from jobboard_assets.sim.served_posting import Posting


class Market(Protocol):
    """What the truth reads of a market (`SimulatedMarket` is one): no import of the market."""

    @property
    def seed(self) -> int: ...
    @property
    def n_boards(self) -> int: ...
    @property
    def epoch(self) -> date: ...
    @property
    def boards(self) -> Sequence[BoardSpec]: ...

    def postings_between(self, slug: str, start: date, end: date) -> list[Posting]: ...


def build_truth(market: Market, start: date, end: date) -> dict[str, object]:
    """A JSON-serializable document: the market's identity, its boards, and every served posting."""
    if end < start:
        raise ValueError("the truth range ends before it starts")
    postings = [
        posting_record(posting, end)
        for board in market.boards
        for posting in market.postings_between(board.slug, start, end)
    ]
    return {
        "seed": market.seed,
        "n_boards": market.n_boards,
        "epoch": market.epoch.isoformat(),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "boards": [
            {
                "slug": board.slug,
                "name": board.name,
                "kind": board.kind,
                "category": board.category,
                "industry": board.industry,
                "profile": board.profile,
                "repost_rate": round(board.repost_rate, 4),
                "fake_freshness": board.restamp_days is not None,
            }
            for board in market.boards
        ],
        "postings": postings,
    }


def posting_record(posting: Posting, end: date) -> dict[str, object]:
    last_day = posting.last_day
    last_in_range = end if last_day is None else min(last_day, end)
    return {
        "board": posting.board,
        "external_id": posting.external_id,
        "job_key": posting.job_key,
        "repost_index": posting.repost_index,
        "title": posting.title,
        "base_title": posting.base_title,
        "company": posting.company,
        "location": posting.location.name,
        "first_day": posting.first_day.isoformat(),
        "last_day": None if last_day is None else last_day.isoformat(),
        "evergreen": posting.evergreen,
        "board_date": posting.board_date_on(last_in_range).isoformat(),
        "stale": posting.stale_on(last_in_range),
    }
