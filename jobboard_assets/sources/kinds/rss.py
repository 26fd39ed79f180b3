"""RSS 2.0 and Atom feeds, We Work Remotely style: item titles read "Company: Role".

Feeds are parsed in recovery mode: real ones use namespace prefixes they never declare
(Himalayas' `himalayasJobs:`) and stray entities (`&nbsp;`). Elements are looked up by their
local name, whatever their namespace or prefix. The hardening stays: no entity expansion, no
DTD, nothing fetched from the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from jobboard_assets.sources.http import Response
from jobboard_assets.sources.kinds.base import Crawl, Kind
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
    root = _parse_xml(response)
    kind = _local(root)
    if kind == "rss":
        channel = _child(root, "channel")
        items = _children(channel, "item") if channel is not None else []
        return iter(
            crawl.records((f"item #{i}", _rss_fields(item)) for i, item in enumerate(items))
        )
    if kind == "feed":
        entries = _children(root, "entry")
        return iter(
            crawl.records((f"entry #{i}", _atom_fields(entry)) for i, entry in enumerate(entries))
        )
    raise response.malformed(_EXPECTED, f"an XML document whose root element is <{kind}>")


def _rss_fields(item: etree._Element) -> dict[str, Any]:
    company, title = _split_company(_text(item, "title"))
    link = _text(item, "link")
    description = html_to_text(_text(item, "encoded") or _text(item, "description"))
    return {
        "external_id": _text(item, "guid") or link,
        "title": title,
        "url": link,
        "company": _text(item, "companyName", "company") or company,
        "locations": tuple(_texts(item, "locationRestriction", "region", "location", "country")),
        "department": _text(item, "category"),
        "workplace_type": workplace_from_value(_text(item, "workplaceType", "locationType"))
        # Himalayas lists remote jobs only: its location restrictions say where from
        or ("remote" if _text(item, "locationRestriction") else None),
        "posted_at": parse_timestamp(_text(item, "pubDate")),
        "description_text": description,
        "salary": salary_from_values(
            _text(item, "minSalary", "salaryMin"),
            _text(item, "maxSalary", "salaryMax"),
            _text(item, "currency", "salaryCurrency"),
            _text(item, "salaryPeriod", "salaryInterval"),
        )
        or salary_from_text(_text(item, "salary"))
        or salary_from_text(description),
        "employment_type": employment_type(_text(item, "employmentType", "jobType", "type")),
        "expires_at": parse_timestamp(
            _text(item, "expiryDate", "expiresAt", "expires_at", "validThrough")
        ),
    }


def _atom_fields(entry: etree._Element) -> dict[str, Any]:
    author = _child(entry, "author")
    author_name = _text(author, "name") if author is not None else None
    company, title = (
        (author_name, _text(entry, "title"))
        if author_name
        else _split_company(_text(entry, "title"))
    )
    link = next(
        (
            element.get("href")
            for element in _children(entry, "link")
            if element.get("rel", "alternate") == "alternate" and element.get("href")
        ),
        None,
    )
    return {
        "external_id": _text(entry, "id") or link,
        "title": title,
        "url": link,
        "company": company,
        "posted_at": parse_timestamp(_text(entry, "published"))
        or parse_timestamp(_text(entry, "updated")),
        "description_text": html_to_text(_text(entry, "content") or _text(entry, "summary")),
    }


def _parse_xml(response: Response) -> etree._Element:
    """The document root, recovered from the errors real feeds make; entities are not expanded,
    no DTD is loaded and nothing is fetched from the network."""
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(response.body, parser)
    except etree.XMLSyntaxError as error:  # raised even in recovery mode for a non-XML body
        raise response.malformed(f"{_EXPECTED} (XML)", f"invalid XML: {error}") from error
    if root is None:
        raise response.malformed(f"{_EXPECTED} (XML)", "no XML element could be recovered")
    return root


def _local(element: etree._Element) -> str:
    """An element's name without namespace or prefix: "{ns}companyName" and an undeclared
    "himalayasJobs:companyName" are both "companyname"."""
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return tag.rpartition("}")[2].rpartition(":")[2].casefold()


def _children(parent: etree._Element, *names: str) -> list[etree._Element]:
    wanted = {name.casefold() for name in names}
    return [child for child in parent if _local(child) in wanted]


def _child(parent: etree._Element, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _texts(parent: etree._Element, *names: str) -> list[str]:
    """The texts of the children named `names`, in the order of `names`, then document order."""
    found = []
    for name in names:
        found += [text for child in _children(parent, name) if (text := _element_text(child))]
    return found


def _text(parent: etree._Element, *names: str) -> str | None:
    texts = _texts(parent, *names)
    return texts[0] if texts else None


def _element_text(element: etree._Element) -> str | None:
    """All text inside an element (CDATA included), stripped; None when blank."""
    return "".join(element.itertext()).strip() or None


def _split_company(title: str | None) -> tuple[str | None, str | None]:
    """ "Acme: Senior Engineer" is (Acme, Senior Engineer); a title without ": " has no company."""
    if title and ": " in title:
        company, role = title.split(": ", 1)
        if company.strip() and role.strip():
            return company.strip(), role.strip()
    return None, title


KIND = Kind("rss", collect, obeys_robots_txt=True)
