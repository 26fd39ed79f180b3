"""Workday career sites, through their CXS JSON API.

The listing is a search: `POST .../wday/cxs/{tenant}/{site}/jobs` with
`{"appliedFacets": {}, "limit": 20, "offset": N, "searchText": ""}`, answered by
`{"total": N, "jobPostings": [...]}` (`total` only on the first page; `limit` at most 20).
A listed job gives its title, path, `locationsText` (a place, or "3 Locations"), `postedOn` as a
phrase ("Posted 3 Days Ago") and, on some sites, `remoteType` and `timeType`. What the list
lacks (every location of a multi-place job; the date of one "Posted 30+ Days Ago") is on the
job's own endpoint, `GET .../wday/cxs/{tenant}/{site}{externalPath}`, read only for those jobs
(the `details` option), one request at a time within the host's interval.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jobboard_assets.sources.errors import HttpStatusError
from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    flag,
    json_object,
    json_object_with_list,
    text,
    texts,
)
from jobboard_assets.sources.normalize import html_to_text, parse_timestamp
from jobboard_assets.sources.options import OptionSpec, between, one_of
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.sources.terms import employment_type, salary_from_text, workplace_from_value

MAX_PAGE_SIZE = 20  # Workday's ceiling for `limit`
DETAILS = ("needed", "always", "never")
_ENDPOINT = re.compile(r"/wday/cxs/(?P<tenant>[^/]+)/(?P<site>[^/]+)/jobs/?$")
_SEVERAL_PLACES = re.compile(r"^\d+\s+locations?$", re.IGNORECASE)
_POSTED = re.compile(
    r"^posted\s+(?:(?P<today>today)|(?P<yesterday>yesterday)|(?P<days>\d+)(?P<more>\+)?\s+days?\s+ago)$",
    re.IGNORECASE,
)


def url_problem(url: str) -> str | None:
    """The registry's check: the CXS jobs endpoint, not the career site's page."""
    if _ENDPOINT.search(urlsplit(url).path):
        return None
    return (
        "must be the Workday CXS jobs endpoint, https://{tenant}.wdN.myworkdayjobs.com/wday/cxs/"
        f"{{tenant}}/{{site}}/jobs, got {url!r}"
    )


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    """Pages of `page_size` jobs until a short or empty page, or the first page's `total`."""
    limit = int(crawl.board.options.get("page_size", MAX_PAGE_SIZE))
    offset, total = 0, None
    while True:
        body = {"appliedFacets": {}, "limit": limit, "offset": offset, "searchText": ""}
        payload, jobs = json_object_with_list(crawl.fetch(url, body), "jobPostings")
        if total is None:  # later pages say 0
            stated = payload.get("total")
            total = stated if isinstance(stated, int) and not isinstance(stated, bool) else None
        items = (
            (f"job #{offset + index}", None if job is None else _fields(crawl, url, job))
            for index, job in enumerate(jobs)
        )
        yield from crawl.records(item for item in items if item[1] != {})
        offset += len(jobs)
        if len(jobs) < limit or (total is not None and offset >= total):
            return


def _fields(crawl: Crawl, url: str, job: JsonObject) -> dict[str, Any]:
    """A listed job's fields, completed from its own endpoint where the list lacks something;
    an empty dict for a job its endpoint says is closed (`canApply: false`)."""
    path = text(job.get("externalPath"))
    places = text(job.get("locationsText"))
    several = places is not None and _SEVERAL_PLACES.match(places) is not None
    posted = _posted_on(text(job.get("postedOn")), crawl.day)
    mode = crawl.board.options.get("details", "needed")
    wanted = mode == "always" or (mode == "needed" and (several or posted is None))
    info = (_detail(crawl, url, path) if path and wanted else None) or {}
    if flag(info.get("canApply")) is False:
        return {}
    description = html_to_text(text(info.get("jobDescription")))
    start = parse_timestamp(info.get("startDate"))
    return {
        "external_id": _requisition(path)
        or next(iter(texts(job.get("bulletFields"))), None)
        or text(info.get("jobReqId")),
        "title": text(job.get("title")) or text(info.get("title")),
        "url": text(info.get("externalUrl")) or _public_url(url, path),
        "company": crawl.board.name,  # a Workday site is one employer's
        "location": None if several else places,
        "locations": (text(info.get("location")), *texts(info.get("additionalLocations"))),
        "workplace_type": workplace_from_value(job.get("remoteType"))
        or workplace_from_value(info.get("remoteType")),
        "posted_at": start or posted,
        "posted_at_approximate": start is None and posted is not None,
        "description_text": description,
        "salary": salary_from_text(description),
        "employment_type": employment_type(text(job.get("timeType")) or text(info.get("timeType"))),
        "expires_at": parse_timestamp(info.get("endDate")),
    }


def _posted_on(phrase: str | None, day: date) -> datetime | None:
    """ "Posted Today", "Posted Yesterday", "Posted 3 Days Ago" as the day they name, counted
    back from the day scraped (midnight UTC: the site's own day may differ by one); "Posted 30+
    Days Ago" names no day, so it is None, like a phrase we cannot read."""
    found = _POSTED.match(phrase.strip()) if phrase else None
    if found is None or found["more"]:
        return None
    days = 0 if found["today"] else 1 if found["yesterday"] else int(found["days"])
    posted = day - timedelta(days=days)
    return datetime(posted.year, posted.month, posted.day, tzinfo=UTC)


def _requisition(path: str | None) -> str | None:
    """The requisition id ending a job's path: `JR-7309` in `/job/Hobart-TAS/Quality-..._JR-7309`,
    `JR63751-1` for a requisition's second posting, which is another posting."""
    if not path or "_" not in path:
        return None
    return path.rsplit("_", 1)[1].strip("/") or None


def _detail(crawl: Crawl, url: str, path: str) -> JsonObject | None:
    """The job's `jobPostingInfo`, or None when its endpoint refuses: a job closed since the
    list was read keeps what the list says."""
    parts = urlsplit(url)
    site_path = re.sub(r"/jobs/?$", "", parts.path)
    try:
        response = crawl.detail(urlunsplit(parts._replace(path=site_path + path)))
    except HttpStatusError:
        return None
    info = json_object(response, "jobPostingInfo").get("jobPostingInfo")
    return info if isinstance(info, dict) else None


def _public_url(url: str, path: str | None) -> str | None:
    """The job on the career site, `https://{host}/{site}{externalPath}`."""
    found = _ENDPOINT.search(urlsplit(url).path)
    if path is None or found is None:
        return None
    return urlunsplit(urlsplit(url)._replace(path=f"/{found['site']}{path}", query=""))


KIND = Kind(
    "workday",
    collect,
    options={
        "page_size": OptionSpec(int, check=between(1, MAX_PAGE_SIZE)),
        "details": OptionSpec(str, check=one_of(*DETAILS)),
    },
    url_problem=url_problem,
)
