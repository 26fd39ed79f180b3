"""Lever postings API: a bare JSON array, paged with `skip`/`limit`."""

from __future__ import annotations

from collections.abc import Iterator

from jobboard_assets.sources.http import Response, with_query
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    json_array,
    nested,
    required_text,
    text,
)
from jobboard_assets.sources.normalize import (
    make_record,
    parse_timestamp,
    remote_from_text,
    remote_from_workplace,
)
from jobboard_assets.sources.options import OptionSpec, at_least
from jobboard_assets.sources.records import BoardConfig, PostingRecord

DEFAULT_PAGE_SIZE = 100


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    """Pages of `page_size` postings; a page shorter than that is the last one."""
    limit = int(crawl.board.options.get("page_size", DEFAULT_PAGE_SIZE))
    skip = 0

    def read_page(response: Response) -> Page:
        nonlocal skip
        postings = json_array(response)
        skip += len(postings)
        next_url = (
            with_query(url, {"skip": skip, "limit": limit}) if len(postings) >= limit else None
        )
        return Page(
            [_record(crawl.board, response, i, posting) for i, posting in enumerate(postings)],
            next_url,
        )

    return crawl.follow(with_query(url, {"skip": 0, "limit": limit}), read_page)


def _record(
    board: BoardConfig, response: Response, index: int, posting: JsonObject
) -> PostingRecord:
    location = text(nested(posting, "categories", "location"))
    remote = remote_from_workplace(posting.get("workplaceType"))  # None for "unspecified"
    return make_record(
        external_id=required_text(response, posting, index, "id"),
        title=required_text(response, posting, index, "text"),
        url=text(posting.get("hostedUrl")),
        company=board.name,  # a Lever site is one employer's
        location=location,
        department=text(nested(posting, "categories", "department"))
        or text(nested(posting, "categories", "team")),
        remote=remote if remote is not None else remote_from_text(location),
        posted_at=parse_timestamp(posting.get("createdAt")),
        description_text=text(posting.get("descriptionPlain")),
    )


KIND = Kind("lever", collect, options={"page_size": OptionSpec(int, check=at_least(1))})
