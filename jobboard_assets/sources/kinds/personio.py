"""Personio's public job feed: `https://{company}.jobs.personio.de/xml` (`?language=en` picks
the texts' language), `<workzag-jobs><position>...</position></workzag-jobs>`, the whole board
at once.

A position gives `id`, `name` (the title), `subcompany` (the employing company), `office` and
`additionalOffices`, `department`, `recruitingCategory`, `jobDescriptions` (named HTML sections),
`employmentType` (permanent, intern, trainee, freelance, temporary), `schedule` (full-time,
part-time), `seniority`, `yearsOfExperience`, `keywords`, `occupation`, `occupationCategory` and
`createdAt`. The feed carries no posting URL: the public page is `/job/{id}` on the feed's host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from jobboard_assets.sources.kinds.base import Crawl, Kind
from jobboard_assets.sources.kinds.xml import child, children, local_name, parse_xml, text, texts
from jobboard_assets.sources.normalize import html_to_text, parse_timestamp
from jobboard_assets.sources.records import BoardConfig, PostingRecord
from jobboard_assets.sources.terms import employment_type, salary_from_text, workplace_from_text

_EXPECTED = "a Personio job feed (<workzag-jobs>)"
# A schedule says part-time where the employment type says permanent: the schedule is the
# more specific statement of the two, except for interns, trainees and freelancers.
_SPECIFIC_EMPLOYMENT = frozenset({"internship", "contract", "temporary"})


def url_problem(url: str) -> str | None:
    """The registry's check: the feed (`/xml`), not the career page."""
    if urlsplit(url).path.rstrip("/").endswith("/xml"):
        return None
    return f"must be the Personio XML feed, https://{{company}}.jobs.personio.de/xml, got {url!r}"


def collect(crawl: Crawl, url: str) -> Iterator[PostingRecord]:
    response = crawl.fetch(url)
    root = parse_xml(response, _EXPECTED)
    if local_name(root) != "workzag-jobs":
        raise response.malformed(
            _EXPECTED, f"an XML document whose root element is <{local_name(root)}>"
        )
    positions = children(root, "position")
    return iter(
        crawl.records(
            (f"position #{index}", _fields(crawl.board, response.url, position))
            for index, position in enumerate(positions)
        )
    )


def _fields(board: BoardConfig, feed_url: str, position: etree._Element) -> dict[str, Any]:
    external_id = text(position, "id")
    offices = child(position, "additionalOffices")
    description = _description(position)
    return {
        "external_id": external_id,
        "title": text(position, "name"),
        "url": _public_url(feed_url, external_id),
        "company": text(position, "subcompany") or board.name,
        "location": text(position, "office"),
        # `<additionalOffices><office>Berlin</office></additionalOffices>`, or its bare text
        "locations": tuple(texts(offices, "office") or texts(position, "additionalOffices"))
        if offices is not None
        else (),
        "department": text(position, "department") or text(position, "recruitingCategory"),
        # Personio has no workplace field: an office named "Remote" says it
        "workplace_type": workplace_from_text(text(position, "office")),
        "posted_at": parse_timestamp(text(position, "createdAt")),
        "description_text": description,
        "salary": salary_from_text(description),
        "employment_type": _employment(
            text(position, "employmentType"), text(position, "schedule")
        ),
    }


def _employment(kind: str | None, schedule: str | None) -> str | None:
    stated = employment_type(kind)
    if stated in _SPECIFIC_EMPLOYMENT:
        return stated
    return employment_type(schedule) or stated


def _description(position: etree._Element) -> str | None:
    """The named HTML sections of `jobDescriptions`, each under its name."""
    sections = child(position, "jobDescriptions")
    if sections is None:
        return None
    parts = []
    for section in children(sections, "jobDescription"):
        parts += [text(section, "name"), html_to_text(text(section, "value"))]
    return "\n".join(filter(None, parts)) or None


def _public_url(feed_url: str, external_id: str | None) -> str | None:
    """`https://{company}.jobs.personio.de/job/{id}`: the feed's host, the position's page."""
    if external_id is None:
        return None
    parts = urlsplit(feed_url)
    return urlunsplit(parts._replace(path=f"/job/{external_id}", query="", fragment=""))


KIND = Kind("personio", collect, url_problem=url_problem)
