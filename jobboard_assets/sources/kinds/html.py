"""Any HTML list page, read with the CSS selectors of the board's options.

Pages are followed through `next_selector` up to `max_pages`; a link back to a page already
read ends the crawl. List pages mix in promos and teasers, so an item without a title or a
link is skipped; a page whose items all lack them means the selectors no longer fit.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Tag

from jobboard_assets.sources.css import compile_selector
from jobboard_assets.sources.http import Response
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.options import OptionSpec, css_selector, non_empty
from jobboard_assets.sources.records import PostingRecord

_REQUIRED_SELECTORS = ("item_selector", "title_selector", "link_selector")
_OPTIONAL_SELECTORS = ("company_selector", "location_selector", "next_selector")


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    options = crawl.board.options
    return crawl.follow(url, lambda response: _read_page(crawl, response, options))


def _read_page(crawl: Crawl, response: Response, options: Mapping[str, Any]) -> Page:
    document = _document(response)
    items = _select(document, options["item_selector"])
    records = crawl.records(
        (f"item #{index}", fields)
        for index, item in enumerate(items)
        if (fields := _fields(response, item, options)) is not None
    )
    if items and not records:
        raise response.malformed(
            f"items ({options['item_selector']!r}) with a title ({options['title_selector']!r}) and a "
            f"link ({options['link_selector']!r})",
            f"{len(items)} items, none with both: the page layout may have changed",
        )
    next_link = _select_one(document, options.get("next_selector"))
    return Page(records, _href(response, next_link))


def _document(response: Response) -> BeautifulSoup:
    """The page's tree (BeautifulSoup on lxml's parser, the fastest of its builders) without
    scripts and styles, whose text is no posting's. An empty page is an empty tree."""
    charset = response.charset
    if charset is not None and not _known_codec(charset):
        charset = None  # a charset Python does not know: let BeautifulSoup detect it
    try:
        document = BeautifulSoup(response.body, "lxml", from_encoding=charset)
    except ValueError:
        # A charset the page declares that lxml refuses (a NUL in `<meta charset>`): read the
        # bytes as the header's charset or UTF-8 instead, undecodable bytes replaced, so the
        # page's postings are still read.
        text = response.body.decode(charset or "utf-8", errors="replace")
        document = BeautifulSoup(text, "lxml")
    for element in document(["script", "style"]):
        element.decompose()
    return document


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _select(element: Tag, selector: str) -> list[Tag]:
    return compile_selector(selector).select(element)


def _select_one(element: Tag, selector: str | None) -> Tag | None:
    return compile_selector(selector).select_one(element) if selector else None


def _fields(response: Response, item: Tag, options: Mapping[str, Any]) -> dict[str, Any] | None:
    """An item's fields; None for a promo or teaser (no title or no link), which is no posting."""
    title = _text(_select_one(item, options["title_selector"]))
    link = _href(response, _select_one(item, options["link_selector"]))
    if title is None or link is None:
        return None
    return {
        "external_id": link,
        "title": title,
        "url": link,
        "company": options.get("company")
        or _text(_select_one(item, options.get("company_selector"))),
        "location": _text(_select_one(item, options.get("location_selector"))),
    }


def _href(response: Response, element: Tag | None) -> str | None:
    """The absolute URL an element links to (itself an <a>, or its first <a href> inside)."""
    if element is not None and not element.get("href"):
        element = _select_one(element, "a[href]")
    href = element.get("href") if element is not None else None
    return (
        urldefrag(urljoin(response.url, href.strip())).url
        if isinstance(href, str) and href.strip()
        else None
    )


def _text(element: Tag | None) -> str | None:
    """The element's text, whitespace collapsed, its parts separated by a space."""
    if element is None:
        return None
    return " ".join(element.get_text(" ").split()) or None


KIND = Kind(
    "html",
    collect,
    options={
        **{
            name: OptionSpec(str, required=True, check=css_selector) for name in _REQUIRED_SELECTORS
        },
        **{name: OptionSpec(str, check=css_selector) for name in _OPTIONAL_SELECTORS},
        "company": OptionSpec(str, check=non_empty),
    },
    obeys_robots_txt=True,
)
