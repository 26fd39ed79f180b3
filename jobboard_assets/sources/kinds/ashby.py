"""Ashby posting API: `{"apiVersion": "1", "jobs": [...]}`, the whole board at once."""

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
    make_record,
    parse_timestamp,
    remote_from_workplace,
)
from jobboard_assets.sources.records import PostingRecord


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    _, jobs = json_object_with_list(response, "jobs")
    for index, job in enumerate(jobs):
        if job.get("isListed") is False:  # unlisted postings are reachable by link only
            continue
        # `isRemote` is true for hybrid jobs too: `workplaceType` is the one to trust.
        remote = remote_from_workplace(job.get("workplaceType"))
        yield make_record(
            external_id=required_text(response, job, index, "id"),
            title=required_text(response, job, index, "title"),
            url=text(job.get("jobUrl")),
            company=crawl.board.name,  # an Ashby board is one employer's
            location=text(job.get("location")),
            department=text(job.get("department")) or text(job.get("team")),
            remote=remote if remote is not None else flag(job.get("isRemote")),
            posted_at=parse_timestamp(job.get("publishedAt")),
            description_text=text(job.get("descriptionPlain")),
        )


KIND = Kind("ashby", collect)
