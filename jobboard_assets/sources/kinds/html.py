"""Any HTML list page, read with the CSS selectors of the board's options.

Pages are followed through `next_selector` up to `max_pages`; a link back to a page already
read ends the crawl. List pages mix in promos and teasers, so an item without a title or a
link is skipped; a page whose items all lack them means the selectors no longer fit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Tag

from jobboard_assets.sources.http import Response
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.normalize import make_record, remote_from_text
from jobboard_assets.sources.options import OptionSpec, css_selector, non_empty
from jobboard_assets.sources.records import PostingRecord

_REQUIRED_SELECTORS = ("item_selector", "title_selector", "link_selector")
_OPTIONAL_SELECTORS = ("company_selector", "location_selector", "next_selector")


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    options = crawl.board.options
    return crawl.follow(url, lambda response: _read_page(response, options))


def _read_page(response: Response, options: Mapping[str, Any]) -> Page:
    soup = BeautifulSoup(response.body, "lxml", from_encoding=response.charset)
    items = soup.select(options["item_selector"])
    records = [record for item in items if (record := _record(response, item, options)) is not None]
    if items and not records:
        raise response.malformed(
            f"items ({options['item_selector']!r}) with a title ({options['title_selector']!r}) and a "
            f"link ({options['link_selector']!r})",
            f"{len(items)} items, none with both: the page layout may have changed",
        )
    next_link = soup.select_one(options["next_selector"]) if options.get("next_selector") else None
    return Page(records, _href(response, next_link))


def _record(response: Response, item: Tag, options: Mapping[str, Any]) -> PostingRecord | None:
    title = _text(item.select_one(options["title_selector"]))
    link = _href(response, item.select_one(options["link_selector"]))
    if title is None or link is None:
        return None
    location = _selected_text(item, options.get("location_selector"))
    return make_record(
        external_id=link,
        title=title,
        url=link,
        company=options.get("company") or _selected_text(item, options.get("company_selector")),
        location=location,
        remote=remote_from_text(location),
    )


def _href(response: Response, element: Tag | None) -> str | None:
    """The absolute URL an element links to (itself an <a>, or its first <a href> inside)."""
    if element is not None and not element.get("href"):
        element = element.select_one("a[href]")
    href = element.get("href") if element is not None else None
    return (
        urldefrag(urljoin(response.url, href.strip())).url
        if isinstance(href, str) and href.strip()
        else None
    )


def _selected_text(item: Tag, selector: str | None) -> str | None:
    return _text(item.select_one(selector)) if selector else None


def _text(element: Tag | None) -> str | None:
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
