"""Workable widget API: `{"name": <account>, "jobs": [...]}`, the whole board at once.

A job open in several places is listed once per location under the same shortcode: those
entries are one posting with all their locations.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    flag,
    json_object_with_list,
    objects,
    text,
)
from jobboard_assets.sources.normalize import html_to_text, join_parts, parse_timestamp
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.sources.terms import employment_type, salary_from_text, workplace_from_value


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    account, jobs = json_object_with_list(response, "jobs")
    company = text(account.get("name")) or crawl.board.name  # an account is one employer's
    by_shortcode: dict[str, list[JsonObject]] = {}
    items: list[tuple[str, dict[str, Any] | None]] = []
    for index, job in enumerate(jobs):
        shortcode = text(job.get("shortcode")) if job else None
        if job is None or shortcode is None:
            items.append((f"job #{index}", None if job is None else _fields([job], company)))
        else:
            by_shortcode.setdefault(shortcode, []).append(job)
    items += [(f"job {code}", _fields(entries, company)) for code, entries in by_shortcode.items()]
    return iter(crawl.records(items))


def _fields(entries: list[JsonObject], company: str | None) -> dict[str, Any]:
    """One posting from the entries of one shortcode (the first gives everything but places)."""
    job = entries[0]
    description = html_to_text(text(job.get("description")))
    places = [
        place
        for entry in entries
        for place in (
            _place(entry, "state"),
            *(
                _place(at, "region")
                for at in objects(entry.get("locations"))
                if not at.get("hidden")
            ),
        )
        if place
    ]
    return {
        "external_id": text(job.get("shortcode")),
        "title": text(job.get("title")),
        "url": text(job.get("url")) or text(job.get("shortlink")),
        "company": company,
        "locations": tuple(places),
        "department": text(job.get("department")),
        # `telecommuting: false` does not say on-site; `workplace` (newer accounts) does.
        "workplace_type": workplace_from_value(job.get("workplace"))
        or ("remote" if flag(job.get("telecommuting")) else None),
        "posted_at": parse_timestamp(job.get("published_on"))
        or parse_timestamp(job.get("created_at")),
        "description_text": description,
        "salary": salary_from_text(description),
        "employment_type": employment_type(job.get("employment_type")),
    }


def _place(entry: JsonObject, region: str) -> str | None:
    return join_parts(text(entry.get("city")), text(entry.get(region)), text(entry.get("country")))


KIND = Kind("workable", collect)
