"""SmartRecruiters posting API: `{"offset", "limit", "totalFound", "content": [...]}`, paged.

An unknown company gets a 200 with an empty list, so an empty listing proves nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from jobboard_assets.sources.http import Response, with_query
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    flag,
    json_object_with_list,
    nested,
    text,
)
from jobboard_assets.sources.normalize import join_parts, parse_timestamp
from jobboard_assets.sources.options import OptionSpec, between
from jobboard_assets.sources.records import PostingRecord
from jobboard_assets.sources.terms import employment_type

MAX_PAGE_SIZE = 100  # the API's ceiling for `limit`
PUBLIC_POSTING_URL = "https://jobs.smartrecruiters.com/{company}/{id}"


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    """Pages of `page_size` postings until `offset` reaches `totalFound`."""
    limit = int(crawl.board.options.get("page_size", MAX_PAGE_SIZE))
    company_in_url = _company_identifier(url)

    def read_page(response: Response) -> Page:
        payload, postings = json_object_with_list(response, "content")
        offset, total = payload.get("offset"), payload.get("totalFound")
        if not (isinstance(offset, int) and isinstance(total, int)):
            raise response.malformed(
                "integer 'offset' and 'totalFound'", f"{offset!r} and {total!r}"
            )
        records = crawl.records(
            (
                f"posting #{offset + i}",
                None if posting is None else _fields(posting, company_in_url),
            )
            for i, posting in enumerate(postings)
        )
        following = offset + len(postings)
        more = bool(postings) and following < total
        return Page(
            records, with_query(url, {"offset": following, "limit": limit}) if more else None
        )

    return crawl.follow(with_query(url, {"offset": 0, "limit": limit}), read_page)


def _fields(posting: JsonObject, company_in_url: str | None) -> dict[str, Any]:
    external_id = text(posting.get("id"))
    location = posting.get("location")
    company = text(nested(posting, "company", "identifier")) or company_in_url
    public_url = text(posting.get("postingUrl")) or text(posting.get("applyUrl"))
    if public_url is None and company and external_id:
        public_url = PUBLIC_POSTING_URL.format(company=quote(company), id=quote(external_id))
    return {
        "external_id": external_id,
        "title": text(posting.get("name")),
        "url": public_url,
        "company": text(nested(posting, "company", "name")),
        # fullLocation leaves the gaps of missing parts ("Szczecin, , Poland"): make_record
        # drops them.
        "location": text(nested(location, "fullLocation"))
        or join_parts(*(text(nested(location, part)) for part in ("city", "region", "country"))),
        "department": text(nested(posting, "department", "label")),
        "workplace_type": _workplace(location),
        "posted_at": parse_timestamp(posting.get("releasedDate")),
        # the id is SmartRecruiters' own vocabulary; the label is in the board's language
        "employment_type": employment_type(
            text(nested(posting, "typeOfEmployment", "id"))
            or text(nested(posting, "typeOfEmployment", "label"))
        ),
    }


def _workplace(location: Any) -> str | None:
    """`location.remote` / `location.hybrid`; stated not remote and not hybrid is on-site."""
    remote, hybrid = flag(nested(location, "remote")), flag(nested(location, "hybrid"))
    if hybrid:
        return "hybrid"
    if remote:
        return "remote"
    return "onsite" if remote is False else None


def _company_identifier(url: str) -> str | None:
    """`Visa` in https://api.smartrecruiters.com/v1/companies/Visa/postings."""
    segments = urlsplit(url).path.strip("/").split("/")
    return segments[segments.index("companies") + 1] if "companies" in segments[:-1] else None


KIND = Kind(
    "smartrecruiters",
    collect,
    options={"page_size": OptionSpec(int, check=between(1, MAX_PAGE_SIZE))},
)
