"""Workable widget API: `{"name": <account>, "jobs": [...]}`, the whole board at once."""

from __future__ import annotations

from collections.abc import Iterator

from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.fields import (
    flag,
    json_object_with_list,
    required_text,
    text,
)
from jobboard_assets.sources.normalize import (
    html_to_text,
    join_parts,
    make_record,
    parse_timestamp,
)
from jobboard_assets.sources.records import PostingRecord


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    account, jobs = json_object_with_list(response, "jobs")
    for index, job in enumerate(jobs):
        yield make_record(
            external_id=required_text(response, job, index, "shortcode"),
            title=required_text(response, job, index, "title"),
            url=text(job.get("url")) or text(job.get("shortlink")),
            company=text(account.get("name")),
            location=join_parts(
                text(job.get("city")), text(job.get("state")), text(job.get("country"))
            ),
            department=text(job.get("department")),
            remote=flag(job.get("telecommuting")),
            posted_at=parse_timestamp(job.get("published_on"))
            or parse_timestamp(job.get("created_at")),
            description_text=html_to_text(text(job.get("description"))),
        )


KIND = Kind("workable", collect)
