"""Greenhouse job board API: `{"jobs": [...], "meta": {"total": N}}`, the whole board at once."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from jobboard_assets.sources.kinds.base import Crawl, Kind, whole_board_records
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    nested,
    objects,
    text,
)
from jobboard_assets.sources.normalize import html_to_text, join_parts, parse_timestamp
from jobboard_assets.sources.records import BoardConfig, PostingRecord
from jobboard_assets.sources.terms import (
    Salary,
    employment_type,
    salary_from_text,
    salary_from_values,
    workplace_from_value,
)
from jobboard_assets.sources.text import fold


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    return whole_board_records(crawl, url, _fields)


def _fields(board: BoardConfig, job: JsonObject) -> dict[str, Any]:
    content = text(job.get("content"))
    # `content` is HTML with its entities escaped once more.
    description = html_to_text(html.unescape(content)) if content else None
    metadata = {
        fold(name): entry.get("value")
        for entry in objects(job.get("metadata"))
        if (name := text(entry.get("name")))
    }
    return {
        "external_id": text(job.get("id")),
        "title": text(job.get("title")),
        "url": text(job.get("absolute_url")),
        "company": text(job.get("company_name")) or board.name,
        "location": text(nested(job, "location", "name")),
        "department": join_parts(
            *(text(department.get("name")) for department in objects(job.get("departments")))
        ),
        "workplace_type": _first(metadata, ("location type", "workplace", "remote"), _workplace),
        # `updated_at` is re-stamped on every edit: only a fallback for the first publication.
        "posted_at": parse_timestamp(job.get("first_published"))
        or parse_timestamp(job.get("updated_at")),
        "description_text": description,
        "salary": _first(metadata, ("salary", "pay", "compensation"), _salary)
        or salary_from_text(description),
        "employment_type": _first(
            metadata, ("employment type", "job type", "time type"), _employment
        ),
        "expires_at": parse_timestamp(job.get("application_deadline")),
    }


def _first(metadata: dict[str, Any], names: tuple[str, ...], read: Any) -> Any:
    """The first custom field whose name mentions one of `names`, read by `read`."""
    for name, value in metadata.items():
        if any(wanted in name for wanted in names) and (found := read(value)) is not None:
            return found
    return None


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _workplace(value: Any) -> str | None:
    return next(filter(None, map(workplace_from_value, _values(value))), None)


def _employment(value: Any) -> str | None:
    return next(filter(None, map(employment_type, _values(value))), None)


def _salary(value: Any) -> Salary | None:
    """A currency-range field (`{min_value, max_value, unit}`) or a text one ("$90k - $110k")."""
    if isinstance(value, dict):
        return salary_from_values(
            value.get("min_value"), value.get("max_value"), value.get("unit"), None
        )
    return salary_from_text(text(value))


KIND = Kind("greenhouse", collect)
