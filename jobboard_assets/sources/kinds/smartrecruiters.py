"""SmartRecruiters posting API: `{"offset", "limit", "totalFound", "content": [...]}`, paged.

An unknown company gets a 200 with an empty list, so an empty listing proves nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlsplit

from jobboard_assets.sources.http import Response, with_query
from jobboard_assets.sources.kinds.base import Crawl, Kind, Page
from jobboard_assets.sources.kinds.fields import (
    JsonObject,
    flag,
    json_object_with_list,
    nested,
    required_text,
    text,
)
from jobboard_assets.sources.normalize import join_parts, make_record, parse_timestamp
from jobboard_assets.sources.options import OptionSpec, between
from jobboard_assets.sources.records import PostingRecord

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
        records = [
            _record(response, i, posting, company_in_url) for i, posting in enumerate(postings)
        ]
        following = offset + len(postings)
        more = bool(postings) and following < total
        return Page(
            records, with_query(url, {"offset": following, "limit": limit}) if more else None
        )

    return crawl.follow(with_query(url, {"offset": 0, "limit": limit}), read_page)


def _record(
    response: Response, index: int, posting: JsonObject, company_in_url: str | None
) -> PostingRecord:
    external_id = required_text(response, posting, index, "id")
    location = posting.get("location")
    company = text(nested(posting, "company", "identifier")) or company_in_url
    public_url = text(posting.get("postingUrl")) or text(posting.get("applyUrl"))
    if public_url is None and company:
        public_url = PUBLIC_POSTING_URL.format(company=quote(company), id=quote(external_id))
    return make_record(
        external_id=external_id,
        title=required_text(response, posting, index, "name"),
        url=public_url,
        company=text(nested(posting, "company", "name")),
        location=text(nested(location, "fullLocation"))
        or join_parts(*(text(nested(location, part)) for part in ("city", "region", "country"))),
        department=text(nested(posting, "department", "label")),
        remote=flag(nested(location, "remote")),
        posted_at=parse_timestamp(posting.get("releasedDate")),
    )


def _company_identifier(url: str) -> str | None:
    """`Visa` in https://api.smartrecruiters.com/v1/companies/Visa/postings."""
    segments = urlsplit(url).path.strip("/").split("/")
    return segments[segments.index("companies") + 1] if "companies" in segments[:-1] else None


KIND = Kind(
    "smartrecruiters",
    collect,
    options={"page_size": OptionSpec(int, check=between(1, MAX_PAGE_SIZE))},
)
