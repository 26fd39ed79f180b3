"""RSS 2.0 and Atom feeds, We Work Remotely style: item titles read "Company: Role"."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from jobboard_assets.sources.http import Response
from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.normalize import (
    html_to_text,
    make_record,
    parse_timestamp,
    remote_from_text,
)
from jobboard_assets.sources.records import PostingRecord

_ATOM = "{http://www.w3.org/2005/Atom}"
_EXPECTED = "an RSS 2.0 or Atom feed"


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    root = _parse_xml(response)
    if root.tag == "rss":
        for index, item in enumerate(root.iterfind("channel/item")):
            yield _rss_record(response, index, item)
    elif root.tag == f"{_ATOM}feed":
        for index, entry in enumerate(root.iterfind(f"{_ATOM}entry")):
            yield _atom_record(response, index, entry)
    else:
        raise response.malformed(_EXPECTED, f"an XML document whose root element is <{root.tag}>")


def _rss_record(response: Response, index: int, item: etree._Element) -> PostingRecord:
    company, title = _split_company(_text(item.find("title")))
    link = _text(item.find("link"))
    region = _text(item.find("region"))
    return make_record(
        external_id=_require(response, index, _text(item.find("guid")) or link, "a guid or link"),
        title=_require(response, index, title, "a title"),
        url=link,
        company=company,
        location=region,
        department=_text(item.find("category")),
        remote=remote_from_text(region),
        posted_at=parse_timestamp(_text(item.find("pubDate"))),
        description_text=html_to_text(_text(item.find("description"))),
    )


def _atom_record(response: Response, index: int, entry: etree._Element) -> PostingRecord:
    author = _text(entry.find(f"{_ATOM}author/{_ATOM}name"))
    company, title = (
        (author, _text(entry.find(f"{_ATOM}title")))
        if author
        else _split_company(_text(entry.find(f"{_ATOM}title")))
    )
    link = next(
        (
            element.get("href")
            for element in entry.iterfind(f"{_ATOM}link")
            if element.get("rel", "alternate") == "alternate" and element.get("href")
        ),
        None,
    )
    body = entry.find(f"{_ATOM}content")
    return make_record(
        external_id=_require(
            response, index, _text(entry.find(f"{_ATOM}id")) or link, "an id or link"
        ),
        title=_require(response, index, title, "a title"),
        url=link,
        company=company,
        posted_at=parse_timestamp(_text(entry.find(f"{_ATOM}published")))
        or parse_timestamp(_text(entry.find(f"{_ATOM}updated"))),
        description_text=html_to_text(
            _text(body if body is not None else entry.find(f"{_ATOM}summary"))
        ),
    )


def _parse_xml(response: Response) -> etree._Element:
    """The document root; entities are not expanded and nothing is fetched from the network."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(response.body, parser)
    except etree.XMLSyntaxError as error:
        raise response.malformed(f"{_EXPECTED} (XML)", f"invalid XML: {error}") from error


def _split_company(title: str | None) -> tuple[str | None, str | None]:
    """ "Acme: Senior Engineer" is (Acme, Senior Engineer); a title without ": " has no company."""
    if title and ": " in title:
        company, role = title.split(": ", 1)
        if company.strip() and role.strip():
            return company.strip(), role.strip()
    return None, title


def _require(response: Response, index: int, value: str | None, what: str) -> str:
    if value is None:
        raise response.malformed(f"every entry to have {what}", f"entry #{index} without one")
    return value


def _text(element: etree._Element | None) -> str | None:
    """All text inside an element (CDATA included), stripped; None when absent or blank."""
    if element is None:
        return None
    return "".join(element.itertext()).strip() or None


KIND = Kind("rss", collect, obeys_robots_txt=True)
