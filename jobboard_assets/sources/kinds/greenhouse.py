"""Greenhouse job board API: `{"jobs": [...], "meta": {"total": N}}`, the whole board at once."""

from __future__ import annotations

import html
from collections.abc import Iterator

from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.fields import (
    json_object_with_list,
    nested,
    objects,
    required_text,
    text,
)
from jobboard_assets.sources.normalize import (
    html_to_text,
    join_parts,
    make_record,
    parse_timestamp,
    remote_from_text,
)
from jobboard_assets.sources.records import PostingRecord


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    _, jobs = json_object_with_list(response, "jobs")
    for index, job in enumerate(jobs):
        location = text(nested(job, "location", "name"))
        content = text(job.get("content"))
        yield make_record(
            external_id=required_text(response, job, index, "id"),
            title=required_text(response, job, index, "title"),
            url=text(job.get("absolute_url")),
            company=text(job.get("company_name")),
            location=location,
            department=join_parts(
                *(text(department.get("name")) for department in objects(job.get("departments")))
            ),
            remote=remote_from_text(location),
            # `updated_at` is re-stamped on every edit: only a fallback for the first publication.
            posted_at=parse_timestamp(job.get("first_published"))
            or parse_timestamp(job.get("updated_at")),
            # `content` is HTML with its entities escaped once more.
            description_text=html_to_text(html.unescape(content)) if content else None,
        )


KIND = Kind("greenhouse", collect)
