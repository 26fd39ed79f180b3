"""The simulator's bulk path: years of observed history as warehouse rows, without scraping.

Scraping three years of 100 boards day by day takes hours; the benchmarks that need such a
history (`benchmarks/bench_daily_cost.py`) build it from the market's truth instead: every board
observed on every day of [start, end], so each posting has one span, from max(first day, start)
to min(last day, end), and the events, counts and columns a pipeline that scraped those days
would have stored. The listing columns are the market's (title, company, place, board date);
the parsed ones a scrape adds (description, pay) are left empty, and the snapshots carry their
counts but not the full listing (a year of 100 boards' listings is gigabytes of JSON).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import polars as pl

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.served_posting import Posting
from jobboard_assets.sources.normalize import classify_role_family, normalize_title

_WORKPLACES = {"OnSite": "onsite", "Hybrid": "hybrid", "Remote": "remote"}


def board_postings(market: SimulatedMarket, slug: str, start: date, end: date) -> pl.DataFrame:
    """One row per posting of the board listed on a day of [start, end], as the warehouse keeps
    it after every day was observed (first_seen, last_seen, is_active, disappeared_at)."""
    rows = [
        _posting_row(posting, start, end) for posting in market.postings_between(slug, start, end)
    ]
    return pl.DataFrame(rows, schema=_POSTING_SCHEMA, orient="row")


def _posting_row(posting: Posting, start: date, end: date) -> tuple[object, ...]:
    last_day = posting.last_day
    first_seen = max(posting.first_day, start)
    last_seen = end if last_day is None else min(last_day, end)
    closed = last_seen < end
    board_date = posting.board_date_on(last_seen)
    return (
        posting.external_id,
        posting.title,
        normalize_title(posting.title, posting.location.name),
        posting.company,
        posting.location.name,
        posting.department,
        classify_role_family(posting.title, posting.department),
        _WORKPLACES.get(posting.workplace),
        datetime(board_date.year, board_date.month, board_date.day, tzinfo=UTC),
        first_seen,
        last_seen,
        not closed,
        last_seen + timedelta(days=1) if closed else None,
        (last_seen - first_seen).days,
    )


_POSTING_SCHEMA: dict[str, pl.DataType] = {
    "external_id": pl.Utf8(),
    "title": pl.Utf8(),
    "normalized_title": pl.Utf8(),
    "company": pl.Utf8(),
    "location": pl.Utf8(),
    "department": pl.Utf8(),
    "role_family": pl.Utf8(),
    "workplace_type": pl.Utf8(),
    "posted_at": pl.Datetime("us", "UTC"),
    "first_seen": pl.Date(),
    "last_seen": pl.Date(),
    "is_active": pl.Boolean(),
    "disappeared_at": pl.Date(),
    "lifespan_days": pl.Int64(),
}


def board_day_counts(postings: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Per observed day of [start, end]: listed, new and disappeared postings of one board.

    Counted from the postings' days (one span each) without expanding posting-days: listed is
    a running sum of +1 on first_seen and -1 the day after last_seen.
    """
    days = pl.DataFrame({"day": pl.date_range(start, end, eager=True)})

    def per_day(column: str, name: str) -> pl.DataFrame:
        counted = postings.group_by(pl.col(column).alias("day")).agg(pl.len().cast(pl.Int64))
        return counted.rename({"len": name})

    changes = pl.concat(
        [
            per_day("first_seen", "delta"),
            per_day("last_seen", "delta").with_columns(
                pl.col("day") + pl.duration(days=1), -pl.col("delta")
            ),
        ]
    )
    return (
        days.join(changes.group_by("day").agg(pl.col("delta").sum()), on="day", how="left")
        .join(per_day("first_seen", "new"), on="day", how="left")
        .join(per_day("disappeared_at", "disappeared"), on="day", how="left")
        .fill_null(0)
        .sort("day")
        .select("day", listed=pl.col("delta").cum_sum(), new="new", disappeared="disappeared")
    )


def observed_history(
    market: SimulatedMarket, start: date, end: date
) -> Iterator[tuple[str, pl.DataFrame, pl.DataFrame]]:
    """(board slug, its postings, its day counts) for every board of the market, one at a time
    so a caller can write a board before the next one is generated."""
    for board in market.boards:
        postings = board_postings(market, board.slug, start, end)
        yield board.slug, postings, board_day_counts(postings, start, end)
