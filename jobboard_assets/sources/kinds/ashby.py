"""Ashby posting API: `{"apiVersion": "1", "jobs": [...]}`, the whole board at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jobboard_assets.sources.kinds.base import Crawl, Kind, whole_board_records
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    flag,
    nested,
    objects,
    text,
)
from jobboard_assets.sources.normalize import join_parts, parse_timestamp
from jobboard_assets.sources.records import BoardConfig, PostingRecord
from jobboard_assets.sources.terms import (
    Salary,
    employment_type,
    salary_from_text,
    salary_from_values,
    workplace_from_text,
    workplace_from_value,
)


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    return whole_board_records(
        crawl,
        url,
        _fields,
        # unlisted postings are reachable by link only
        listed=lambda job: not (isinstance(job, dict) and job.get("isListed") is False),
    )


def _fields(board: BoardConfig, job: JsonObject) -> dict[str, Any]:
    # `isRemote` is true for hybrid jobs too: `workplaceType` is the one to trust, then the
    # location text (make_record), and `isRemote` only when neither says anything.
    location = text(job.get("location"))
    workplace = workplace_from_value(job.get("workplaceType"))
    if workplace is None and flag(job.get("isRemote")):
        workplace = workplace_from_text(location) or "remote"
    return {
        "external_id": text(job.get("id")),
        "title": text(job.get("title")),
        "url": text(job.get("jobUrl")),
        "company": board.name,  # an Ashby board is one employer's
        "location": location,
        "locations": tuple(
            text(place.get("location")) or _address(place)
            for place in objects(job.get("secondaryLocations"))
        ),
        "department": text(job.get("department")) or text(job.get("team")),
        "workplace_type": workplace,
        "remote": flag(job.get("isRemote")),  # kept where nothing says which workplace type
        "posted_at": parse_timestamp(job.get("publishedAt")),
        "description_text": text(job.get("descriptionPlain")),
        "salary": _salary(job.get("compensation")),
        "employment_type": employment_type(job.get("employmentType")),
    }


def _address(place: JsonObject) -> str | None:
    address = nested(place, "address", "postalAddress")
    return join_parts(
        *(
            text(nested(address, part))
            for part in ("addressLocality", "addressRegion", "addressCountry")
        )
    )


def _salary(compensation: Any) -> Salary | None:
    """The salary component of the compensation (equity and bonus are not pay), else its summary."""
    components = objects(nested(compensation, "summaryComponents")) or [
        component
        for tier in objects(nested(compensation, "compensationTiers"))
        for component in objects(tier.get("components"))
    ]
    for component in components:
        if component.get("compensationType") == "Salary":
            salary = salary_from_values(
                component.get("minValue"),
                component.get("maxValue"),
                component.get("currencyCode"),
                component.get("interval"),
            )
            if salary is not None:
                return salary
    return salary_from_text(
        text(nested(compensation, "scrapeableCompensationSalarySummary"))
        or text(nested(compensation, "compensationTierSummary"))
    )


KIND = Kind("ashby", collect)
