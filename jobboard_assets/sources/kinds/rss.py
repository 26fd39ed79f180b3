"""RSS 2.0 and Atom feeds, We Work Remotely style: item titles read "Company: Role".

Feeds are parsed in recovery mode (kinds/xml.py): real ones use namespace prefixes they never
declare (Himalayas' `himalayasJobs:`) and stray entities (`&nbsp;`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.xml import child, children, local_name, parse_xml, text, texts
from jobboard_assets.sources.normalize import html_to_text, parse_timestamp
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.sources.terms import (
    employment_type,
    salary_from_text,
    salary_from_values,
    workplace_from_value,
)

_EXPECTED = "an RSS 2.0 or Atom feed"


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    root = parse_xml(response, _EXPECTED)
    kind = local_name(root)
    if kind == "rss":
        channel = child(root, "channel")
        items = children(channel, "item") if channel is not None else []
        return iter(
            crawl.records((f"item #{i}", _rss_fields(item)) for i, item in enumerate(items))
        )
    if kind == "feed":
        entries = children(root, "entry")
        return iter(
            crawl.records((f"entry #{i}", _atom_fields(entry)) for i, entry in enumerate(entries))
        )
    raise response.malformed(_EXPECTED, f"an XML document whose root element is <{kind}>")


def _rss_fields(item: etree._Element) -> dict[str, Any]:
    company, title = _split_company(text(item, "title"))
    link = text(item, "link")
    description = html_to_text(text(item, "encoded") or text(item, "description"))
    return {
        "external_id": text(item, "guid") or link,
        "title": title,
        "url": link,
        "company": text(item, "companyName", "company") or company,
        "locations": tuple(texts(item, "locationRestriction", "region", "location", "country")),
        "department": text(item, "category"),
        "workplace_type": workplace_from_value(text(item, "workplaceType", "locationType"))
        # Himalayas lists remote jobs only: its location restrictions say where from
        or ("remote" if text(item, "locationRestriction") else None),
        "posted_at": parse_timestamp(text(item, "pubDate")),
        "description_text": description,
        "salary": salary_from_values(
            text(item, "minSalary", "salaryMin"),
            text(item, "maxSalary", "salaryMax"),
            text(item, "currency", "salaryCurrency"),
            text(item, "salaryPeriod", "salaryInterval"),
        )
        or salary_from_text(text(item, "salary"))
        or salary_from_text(description),
        "employment_type": employment_type(text(item, "employmentType", "jobType", "type")),
        "expires_at": parse_timestamp(
            text(item, "expiryDate", "expiresAt", "expires_at", "validThrough")
        ),
    }


def _atom_fields(entry: etree._Element) -> dict[str, Any]:
    author = child(entry, "author")
    author_name = text(author, "name") if author is not None else None
    company, title = (
        (author_name, text(entry, "title")) if author_name else _split_company(text(entry, "title"))
    )
    link = next(
        (
            element.get("href")
            for element in children(entry, "link")
            if element.get("rel", "alternate") == "alternate" and element.get("href")
        ),
        None,
    )
    return {
        "external_id": text(entry, "id") or link,
        "title": title,
        "url": link,
        "company": company,
        "posted_at": parse_timestamp(text(entry, "published"))
        or parse_timestamp(text(entry, "updated")),
        "description_text": html_to_text(text(entry, "content") or text(entry, "summary")),
    }


def _split_company(title: str | None) -> tuple[str | None, str | None]:
    """ "Acme: Senior Engineer" is (Acme, Senior Engineer); a title without ": " has no company."""
    if title and ": " in title:
        company, role = title.split(": ", 1)
        if company.strip() and role.strip():
            return company.strip(), role.strip()
    return None, title


KIND = Kind("rss", collect, obeys_robots_txt=True)
