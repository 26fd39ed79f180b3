"""What every board kind is made of, and the crawl that all of them read pages through."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from jobboard_assets.sources.errors import TooManyPagesError
from jobboard_assets.sources.http import PoliteHttpClient, Response
from jobboard_assets.sources.kinds.fields import JsonObject, json_object_with_list
from jobboard_assets.sources.normalize import UnusableRecordError, make_record
from jobboard_assets.sources.options import OptionSpec, default_workplace, max_pages
from jobboard_assets.sources.records import BoardConfig, PostingRecord


class Page(NamedTuple):
    """One parsed page: its postings and the URL of the next page, if there is one."""

    records: list[PostingRecord]
    next_url: str | None


@dataclass
class Crawl:
    """One board's scrape: fetches through the shared client and counts pages and bytes.

    It refuses to read more than the board's `max_pages`: stopping early would hand back a
    partial listing, and the postings left out would look closed.
    """

    board: BoardConfig
    client: PoliteHttpClient
    obey_robots_txt: bool
    day: date = field(default_factory=lambda: datetime.now(UTC).date())
    """The day being scraped: what a board's "Posted 3 Days Ago" counts back from."""
    pages: int = 0
    bytes_read: int = 0
    details: int = 0
    skipped: list[str] = field(default_factory=list)
    """Records that could not be used, each named ("page 2 item #7: no title (id 123)")."""

    def fetch(self, url: str, payload: Mapping[str, Any] | None = None) -> Response:
        """One page of the listing: a GET, or a POST of `payload` (Workday's search)."""
        limit = max_pages(self.board)
        if self.pages >= limit:
            raise TooManyPagesError(
                f"paging did not end within max_pages={limit}; raise the board's options.max_pages "
                "(a partial listing would make the postings left out look closed)",
                board=self.board.slug,
                url=url,
            )
        response = (
            self.client.get(self.board, url, obey_robots_txt=self.obey_robots_txt)
            if payload is None
            else self.client.post_json(self.board, url, payload)
        )
        self.pages += 1
        self.bytes_read += len(response.body)
        return response

    def detail(self, url: str) -> Response:
        """One posting's own page, read where the listing leaves out something the posting
        needs: not a listing page, so outside `max_pages`, but through the same polite client."""
        response = self.client.get(self.board, url, obey_robots_txt=self.obey_robots_txt)
        self.details += 1
        self.bytes_read += len(response.body)
        return response

    def record(self, where: str, **fields: Any) -> PostingRecord | None:
        """`make_record(**fields)`, or None for an unusable record, which is named in `skipped`.

        One odd posting (a null title) must not fail a board; `scrape_board` fails it only when
        too many are odd (see `max_unusable_share`).
        """
        try:
            return make_record(default_workplace=default_workplace(self.board), **fields)
        except UnusableRecordError as error:
            self.skipped.append(f"{where}: {error}")
            return None

    def records(self, items: Iterable[tuple[str, dict[str, Any] | None]]) -> list[PostingRecord]:
        """The usable records of (where, fields) pairs; fields None means unusable from the start."""
        kept = []
        for where, fields in items:
            if fields is None:
                self.skipped.append(f"{where}: not an object")
            elif (record := self.record(where, **fields)) is not None:
                kept.append(record)
        return kept

    def follow(
        self, first_url: str, read_page: Callable[[Response], Page]
    ) -> Iterator[PostingRecord]:
        """Pages from `first_url` on, each naming the next, until none is named or one repeats."""
        seen: set[str] = set()
        url: str | None = first_url
        while url is not None and url not in seen:
            seen.add(url)
            page = read_page(self.fetch(url))
            yield from page.records
            url = page.next_url


Collector = Callable[[Crawl, str], Iterable[PostingRecord]]
"""Reads a board's listing from its (day-resolved) URL."""


@dataclass(frozen=True)
class Kind:
    """A board kind: how to collect its postings and which options its boards may set."""

    name: str
    collect: Collector
    options: Mapping[str, OptionSpec] = field(default_factory=dict)
    obeys_robots_txt: bool = False
    """Web pages and feeds follow robots.txt; ATS APIs are published for programs to call."""
    url_problem: Callable[[str], str | None] | None = None
    """Why a registry URL cannot be this kind's endpoint (None when it can), for kinds whose
    endpoint has a fixed shape: a career-site page pasted instead of the API fails at once."""


def whole_board_records(
    crawl: Crawl,
    url: str,
    fields: Callable[[BoardConfig, JsonObject], dict[str, Any]],
    listed: Callable[[Any], bool] = lambda _job: True,
) -> Iterator[PostingRecord]:
    """The records of an API that answers `{"jobs": [...]}` with the whole board at once
    (Greenhouse, Ashby): each listed job's `fields`, a null entry counted as unusable."""
    _, jobs = json_object_with_list(crawl.fetch(url), "jobs")
    items = (
        (f"job #{index}", None if job is None else fields(crawl.board, job))
        for index, job in enumerate(jobs)
        if listed(job)
    )
    return iter(crawl.records(items))
