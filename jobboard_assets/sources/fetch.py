"""`scrape_board`: one board, one day, one listing; the entry point of the sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from jobboard_assets.sources.errors import (
    NotDateAddressableError,
    SourceError,
    TooManyUnusableRecordsError,
)
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.kinds import KINDS
from jobboard_assets.sources.kinds.base import Crawl
from jobboard_assets.sources.options import max_unusable_share
from jobboard_assets.sources.records import (
    DATE_PLACEHOLDER,
    BoardConfig,
    PostingRecord,
    ScrapeResult,
)


def scrape_board(board: BoardConfig, day: date, client: PoliteHttpClient) -> ScrapeResult:
    """Everything `board` lists on `day`, de-duplicated by external id.

    Raises a `SourceError` subclass, before any request when the day cannot be read at all.
    """
    url = url_for_day(board, day)
    kind = KINDS.get(board.kind)
    if kind is None:
        raise SourceError(
            f"unknown kind {board.kind!r}; known kinds: {', '.join(sorted(KINDS))}",
            board=board.slug,
        )
    crawl = Crawl(board, client, obey_robots_txt=kind.obeys_robots_txt, day=day)
    listed = list(kind.collect(crawl, url))
    _check_unusable(board, url, len(listed), crawl.skipped)
    return ScrapeResult(
        board=board,
        day=day,
        records=unique_by_external_id(listed),
        pages=crawl.pages,
        bytes_read=crawl.bytes_read,
        skipped=tuple(crawl.skipped),
    )


def _check_unusable(board: BoardConfig, url: str, usable: int, skipped: list[str]) -> None:
    """Fail the board when more than its `max_unusable_share` of the records was unusable."""
    limit = max_unusable_share(board)
    total = usable + len(skipped)
    if skipped and len(skipped) > limit * total:
        shown = "; ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else "")
        raise TooManyUnusableRecordsError(
            f"malformed response: expected at most {limit:.0%} of the records to be unusable "
            f"(the board's max_unusable_share), got {len(skipped)} of {total}: {shown}",
            board=board.slug,
            url=url,
        )


def url_for_day(board: BoardConfig, day: date) -> str:
    """The board's URL for `day`: `{date}` filled in, or the live URL when `day` is today (UTC)."""
    if board.date_addressable:
        return board.url.replace(DATE_PLACEHOLDER, day.isoformat())
    today = datetime.now(UTC).date()
    if day != today:
        raise NotDateAddressableError(
            f"is not date-addressable (its url has no {DATE_PLACEHOLDER}); it can only be scraped "
            f"for today, {today.isoformat()}, not {day.isoformat()}",
            board=board.slug,
        )
    return board.url


def unique_by_external_id(records: Iterable[PostingRecord]) -> list[PostingRecord]:
    """The first record of each external id: boards repeat a posting across pages or sections."""
    unique: dict[str, PostingRecord] = {}
    for record in records:
        unique.setdefault(record.external_id, record)
    return list(unique.values())
