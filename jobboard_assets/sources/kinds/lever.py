"""Lever postings API: a bare JSON array, paged with `skip`/`limit`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jobboard_assets.sources.http import Response, with_query
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.kinds.fields import JsonObject, json_array, nested, text, texts
from jobboard_assets.sources.normalize import parse_timestamp
from jobboard_assets.sources.options import OptionSpec, at_least
from jobboard_assets.sources.records import BoardConfig, PostingRecord
from jobboard_assets.sources.terms import (
    employment_type,
    salary_from_text,
    salary_from_values,
    workplace_from_value,
)

DEFAULT_PAGE_SIZE = 100


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    """Pages of `page_size` postings; a page shorter than that is the last one."""
    limit = int(crawl.board.options.get("page_size", DEFAULT_PAGE_SIZE))
    skip = 0

    def read_page(response: Response) -> Page:
        nonlocal skip
        postings = json_array(response)
        items = (
            (f"posting #{skip + i}", None if posting is None else _fields(crawl.board, posting))
            for i, posting in enumerate(postings)
        )
        records = crawl.records(items)
        skip += len(postings)
        next_url = (
            with_query(url, {"skip": skip, "limit": limit}) if len(postings) >= limit else None
        )
        return Page(records, next_url)

    return crawl.follow(with_query(url, {"skip": 0, "limit": limit}), read_page)


def _fields(board: BoardConfig, posting: JsonObject) -> dict[str, Any]:
    categories = posting.get("categories")
    pay = posting.get("salaryRange")
    return {
        "external_id": text(posting.get("id")),
        "title": text(posting.get("text")),
        "url": text(posting.get("hostedUrl")),
        "company": board.name,  # a Lever site is one employer's
        "location": text(nested(categories, "location")),
        "locations": tuple(texts(nested(categories, "allLocations"))),
        "department": text(nested(categories, "department")) or text(nested(categories, "team")),
        "workplace_type": workplace_from_value(posting.get("workplaceType")),  # "unspecified": None
        "posted_at": parse_timestamp(posting.get("createdAt")),
        "description_text": text(posting.get("descriptionPlain")),
        "salary": salary_from_values(
            nested(pay, "min"), nested(pay, "max"), nested(pay, "currency"), nested(pay, "interval")
        )
        or salary_from_text(text(posting.get("salaryDescriptionPlain")))
        or salary_from_text(text(posting.get("additionalPlain"))),
        "employment_type": employment_type(nested(categories, "commitment")),
    }


KIND = Kind("lever", collect, options={"page_size": OptionSpec(int, check=at_least(1))})
