"""A minimal, independent reader of the simulator's wire formats for the tests.

It follows each kind's paging the way a client of the real API would and returns the external
ids it finds, so tests compare what goes over HTTP with the market's model and ground truth.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree

import lxml.html
import requests

from jobboard_assets.sim import formats
from jobboard_assets.sim.catalog import BoardSpec

PAGE_SIZE = 100


def first_page_url(base_url: str, board: BoardSpec, day: date) -> str:
    return formats.board_url(base_url, board).replace("{date}", day.isoformat())


def served_ids(http: requests.Session, base_url: str, board: BoardSpec, day: date) -> set[str]:
    """Every listed posting id the board serves on `day`, all pages read."""
    url = first_page_url(base_url, board, day)
    if board.kind == "lever":
        return _paged_json(
            http, url, lambda skip: f"&skip={skip}&limit={PAGE_SIZE}", lambda doc: doc
        )
    if board.kind == "smartrecruiters":
        base = url.replace("limit=100&offset=0&", "")
        return _paged_json(
            http,
            base,
            lambda offset: f"&offset={offset}&limit={PAGE_SIZE}",
            lambda doc: doc["content"],
        )
    if board.kind == "rss":
        root = ElementTree.fromstring(_get(http, url).content)
        return {item.findtext("guid") or "" for item in root.iter("item")}
    if board.kind == "html":
        ids: set[str] = set()
        next_url: str | None = url
        while next_url:
            page = lxml.html.fromstring(_get(http, next_url).content)
            ids |= {str(href) for href in page.xpath('//li[@class="job"]/a[@class="title"]/@href')}
            next_href = page.xpath('//a[@class="next"]/@href')
            next_url = urljoin(next_url, str(next_href[0])) if next_href else None
        return ids
    document = _get(http, url).json()
    if board.kind == "workable":
        return {job["shortcode"] for job in document["jobs"]}
    if board.kind == "ashby":
        return {job["id"] for job in document["jobs"] if job["isListed"]}
    return {str(job["id"]) for job in document["jobs"]}  # greenhouse


def _paged_json(
    http: requests.Session,
    url: str,
    page_query: Callable[[int], str],
    items: Callable[[Any], list[dict[str, Any]]],
) -> set[str]:
    """Pages of PAGE_SIZE from offset 0; a short page is the last."""
    ids: set[str] = set()
    offset = 0
    while True:
        page = items(_get(http, url + page_query(offset)).json())
        ids |= {str(item["id"]) for item in page}
        offset += len(page)
        if len(page) < PAGE_SIZE:
            return ids


def _get(http: requests.Session, url: str) -> requests.Response:
    response = http.get(url, timeout=10)
    response.raise_for_status()
    return response
