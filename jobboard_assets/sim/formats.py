"""The boards' wire formats: URL layout and one renderer per kind, byte-for-byte deterministic.

Every renderer is a pure function of (board, day, postings, query): no clock, no host or port in
the body (posting links point at the real ATS hosts or at relative paths), fixed field order.
Lists are newest first, like the real boards.
"""

from __future__ import annotations

import html
import json
import re
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from jobboard_assets.sim import vocab

if TYPE_CHECKING:
    from jobboard_assets.sim.catalog import BoardSpec
    from jobboard_assets.sim.served_posting import Posting

JSON_TYPE = "application/json; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
HTML_PAGE_SIZE = 50
SMARTRECRUITERS_DEFAULT_LIMIT = 10
SMARTRECRUITERS_MAX_LIMIT = 100
WORKDAY_MAX_LIMIT = 20  # Workday serves at most 20 jobs a page, whatever `limit` asks
WORKDAY_SITE = "External"

# The list endpoint of each kind, as the registry stores it: `{date}` makes boards backfillable.
PATH_TEMPLATES: dict[str, str] = {
    "greenhouse": "/greenhouse/v1/boards/{slug}/jobs?content=true&date={date}",
    "lever": "/lever/v0/postings/{slug}?mode=json&date={date}",
    "ashby": "/ashby/posting-api/job-board/{slug}?date={date}",
    "smartrecruiters": "/smartrecruiters/v1/companies/{slug}/postings?limit=100&offset=0&date={date}",
    "workable": "/workable/api/v1/widget/accounts/{slug}?date={date}",
    "workday": f"/wday/cxs/{{slug}}/{WORKDAY_SITE}/jobs?date={{date}}",
    "personio": "/personio/{slug}/xml?date={date}",
    "rss": "/rss/{slug}.rss?date={date}",
    "html": "/html/{slug}/jobs?date={date}",
}
_ROUTES: dict[str, re.Pattern[str]] = {
    kind: re.compile(re.escape(template.split("?")[0]).replace(re.escape("{slug}"), "([^/]+)"))
    for kind, template in PATH_TEMPLATES.items()
}
CONTENT_TYPES: dict[str, str] = dict.fromkeys(vocab.ALL_KINDS, JSON_TYPE) | {
    "rss": RSS_TYPE,
    "personio": XML_TYPE,
    "html": HTML_TYPE,
}
# Any Workday CXS path: a site's search (`/jobs`, POST) or one job (`/job/...`, GET).
WORKDAY_PATH = re.compile(r"/wday/cxs/(?P<slug>[^/]+)/(?P<site>[^/]+)(?P<rest>/jobs|/job/.+)")

# How the pipeline's HTML parser finds things on an html board's list page.
HTML_SELECTORS: dict[str, str] = {
    "item_selector": "li.job",
    "title_selector": "a.title",
    "link_selector": "a.title",
    "company_selector": "span.company",
    "location_selector": "span.location",
    "next_selector": "a.next",
}


@dataclass(frozen=True)
class Rendered:
    """An HTTP answer before it is sent."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class BadQuery(ValueError):  # noqa: N818 - named after the HTTP 400 it becomes
    """A query parameter the real API would reject (answered 400)."""


def board_url(base_url: str, board: BoardSpec) -> str:
    return base_url.rstrip("/") + PATH_TEMPLATES[board.kind].format(slug=board.slug, date="{date}")


def board_options(board: BoardSpec) -> dict[str, Any]:
    """Registry options: no politeness delay (our own loopback server), selectors for HTML boards."""
    options: dict[str, Any] = {"min_interval_seconds": 0}
    if board.kind == "html":
        options.update(HTML_SELECTORS)
    return options


def route(path: str) -> tuple[str, str] | None:
    """(kind, slug) of a board list path, or None."""
    for kind, pattern in _ROUTES.items():
        match = pattern.fullmatch(path)
        if match:
            return kind, match.group(1)
    return None


def render(
    board: BoardSpec, day: date, postings: Sequence[Posting], query: Mapping[str, str]
) -> Rendered:
    """The board's list response for `day`, showing `postings` (oldest first, as the market gives them)."""
    newest_first = list(reversed(postings))
    return _RENDERERS[board.kind](board, day, newest_first, query)


def unknown_board(kind: str, query: Mapping[str, str]) -> Rendered:
    """Unknown boards are 404, except SmartRecruiters, which answers 200 with an empty list."""
    if kind == "smartrecruiters":
        offset, limit = _smartrecruiters_window(query)
        return _json({"offset": offset, "limit": limit, "totalFound": 0, "content": []})
    return error(404, "Not Found")


def error(status: int, message: str) -> Rendered:
    return Rendered(status, JSON_TYPE, _dumps({"error": message}))


def malformed(kind: str) -> Rendered:
    """A 200 in the kind's content type whose body is not that format."""
    garbage = b"\xff\xfe\x00<<unexpected end of stream"
    prefix = {
        "rss": b'<?xml version="1.0"?><rss><channel><item><title>',
        "personio": b'<?xml version="1.0"?><workzag-jobs><position><id>',
        "html": b"\x00\x01\x02",
    }.get(kind, b'{"jobs": [{"id": ')
    return Rendered(200, CONTENT_TYPES[kind], prefix + garbage)


def html_error_page() -> Rendered:
    """What a bot wall or an outage page looks like: HTML, status 200."""
    page = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
        "<body><h1>Checking your browser before accessing the site.</h1>"
        "<p>This process is automatic. Please enable JavaScript and cookies.</p></body></html>"
    )
    return Rendered(200, HTML_TYPE, page.encode())


def _greenhouse(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    with_content = query.get("content") == "true"
    jobs = []
    for posting in postings:
        stamp = _iso(_board_moment(posting, day))
        job: dict[str, Any] = {
            "id": int(posting.external_id),
            "internal_job_id": board.id_base // 2 + posting.serial,
            "title": posting.title,
            "company_name": posting.company,
            "absolute_url": f"https://boards.greenhouse.io/{board.slug}/jobs/{posting.external_id}",
            "location": {"name": posting.location.name},
            "departments": [{"name": posting.department}],
            "updated_at": stamp,
            "first_published": stamp,
        }
        if with_content:
            job["content"] = html.escape(_description_html(board, posting))
        jobs.append(job)
    return _json({"jobs": jobs, "meta": {"total": len(jobs)}})


def _lever(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    skip = _int_param(query, "skip", 0)
    limit = _int_param(query, "limit", len(postings))
    jobs = []
    for posting in postings[skip : skip + limit]:
        hosted = f"https://jobs.lever.co/{board.slug}/{posting.external_id}"
        jobs.append(
            {
                "id": posting.external_id,
                "text": posting.title,
                "hostedUrl": hosted,
                "applyUrl": f"{hosted}/apply",
                "createdAt": int(_board_moment(posting, day).timestamp() * 1000),
                "categories": {
                    "team": posting.team,
                    "department": posting.department,
                    "location": posting.location.name,
                    "commitment": posting.commitment,
                    "allLocations": [posting.location.name],
                },
                "workplaceType": posting.workplace.lower(),
                "descriptionPlain": _description_plain(board, posting),
            }
        )
    return _json(jobs)


def _ashby(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    jobs = []
    for posting in postings:
        job_url = f"https://jobs.ashbyhq.com/{board.slug}/{posting.external_id}"
        jobs.append(
            {
                "id": posting.external_id,
                "title": posting.title,
                "jobUrl": job_url,
                "applyUrl": f"{job_url}/application",
                "publishedAt": _iso(_board_moment(posting, day), milliseconds=True),
                "isListed": posting.listed,
                "location": posting.location.name,
                "secondaryLocations": [],
                "department": posting.department,
                "team": posting.team,
                "employmentType": posting.commitment.replace("-", ""),
                "workplaceType": posting.workplace,
                "isRemote": posting.workplace != "OnSite",
                "descriptionPlain": _description_plain(board, posting),
            }
        )
    return _json({"apiVersion": "1", "jobs": jobs})


def _smartrecruiters(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    offset, limit = _smartrecruiters_window(query)
    content = []
    for posting in postings[offset : offset + limit]:
        ref = f"https://api.smartrecruiters.com/v1/companies/{board.slug}/postings/{posting.external_id}"
        location = posting.location
        content.append(
            {
                "id": posting.external_id,
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, ref)),
                "name": posting.title,
                "refNumber": f"REF{posting.serial:07d}",
                "releasedDate": _iso(_board_moment(posting, day), milliseconds=True).replace(
                    "+00:00", "Z"
                ),
                "company": {"identifier": board.slug, "name": posting.company},
                "location": {
                    "city": location.city or "Remote",
                    "region": location.region,
                    "country": location.country_code.lower(),
                    "remote": location.remote,
                    "fullLocation": location.name,
                },
                "department": {"label": posting.department},
                "typeOfEmployment": {"label": posting.commitment},
                "ref": ref,
            }
        )
    return _json(
        {"offset": offset, "limit": limit, "totalFound": len(postings), "content": content}
    )


def _workable(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    jobs = []
    for posting in postings:
        shortcode = posting.external_id
        url = f"https://apply.workable.com/{board.slug}/j/{shortcode}/"
        board_day = posting.board_date_on(day).isoformat()
        jobs.append(
            {
                "shortcode": shortcode,
                "title": posting.title,
                "url": url,
                "shortlink": f"https://apply.workable.com/j/{shortcode}",
                "application_url": f"{url}apply/",
                "published_on": board_day,
                "created_at": board_day,
                "employment_type": posting.commitment,
                "department": posting.department,
                "city": posting.location.city or "",
                "state": posting.location.region or "",
                "country": posting.location.country,
                "telecommuting": posting.location.remote,
            }
        )
    return _json({"name": board.companies[0].name, "jobs": jobs})


def _workday(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    """One page of a Workday search (`offset`, `limit` from the POSTed body): at most 20 jobs,
    `total` on the first page only (later pages say 0, as Workday's do)."""
    offset = _int_param(query, "offset", 0)
    limit = min(_int_param(query, "limit", WORKDAY_MAX_LIMIT), WORKDAY_MAX_LIMIT)
    jobs = [
        {
            "title": posting.title,
            "externalPath": _workday_path(posting),
            "locationsText": posting.location.name,
            "postedOn": _posted_on(posting.board_date_on(day), day),
            "remoteType": _WORKDAY_REMOTE_TYPES[posting.workplace],
            "timeType": posting.commitment,
            "bulletFields": [posting.external_id],
        }
        for posting in postings[offset : offset + limit]
    ]
    return _json({"total": len(postings) if offset == 0 else 0, "jobPostings": jobs})


def workday_job(board: BoardSpec, day: date, postings: Sequence[Posting], path: str) -> Rendered:
    """One job's own Workday endpoint (`.../job/{place}/{title}_{id}`), or 404."""
    for posting in postings:
        if _workday_path(posting) == path:
            info = {
                "title": posting.title,
                "jobDescription": _description_html(board, posting),
                "location": posting.location.name,
                "additionalLocations": [],
                "startDate": posting.board_date_on(day).isoformat(),
                "timeType": posting.commitment,
                "remoteType": _WORKDAY_REMOTE_TYPES[posting.workplace],
                "jobReqId": posting.external_id,
                "externalUrl": f"https://{board.slug}.wd5.myworkdayjobs.com/{WORKDAY_SITE}{path}",
                "canApply": True,
                "country": {"descriptor": posting.location.country},
            }
            return _json({"jobPostingInfo": info, "hiringOrganization": {"name": posting.company}})
    return error(404, "Not Found")


_PERSONIO_EMPLOYMENT = {"Contract": "freelance", "Internship": "intern"}
_WORKDAY_REMOTE_TYPES = {"OnSite": "On-site", "Hybrid": "Hybrid", "Remote": "Remote"}


def _workday_path(posting: Posting) -> str:
    place = re.sub(r"[^A-Za-z0-9]+", "-", posting.location.name).strip("-")
    title = re.sub(r"[^A-Za-z0-9]+", "-", posting.title).strip("-")
    return f"/job/{place}/{title}_{posting.external_id}"


def _posted_on(posted: date, day: date) -> str:
    """Workday's phrase for a posting date: "Posted Today" ... "Posted 30+ Days Ago"."""
    days = (day - posted).days
    if days <= 0:
        return "Posted Today"
    if days == 1:
        return "Posted Yesterday"
    return "Posted 30+ Days Ago" if days >= 30 else f"Posted {days} Days Ago"


def _personio(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    positions = "".join(
        "<position>"
        f"<id>{_xml(posting.external_id)}</id>"
        f"<subcompany>{_xml(posting.company)}</subcompany>"
        f"<office>{_xml(posting.location.name)}</office>"
        f"<department>{_xml(posting.department)}</department>"
        f"<recruitingCategory>{_xml(posting.team)}</recruitingCategory>"
        f"<name>{_xml(posting.title)}</name>"
        "<jobDescriptions><jobDescription><name>Your role</name>"
        f"<value><![CDATA[{_description_html(board, posting)}]]></value>"
        "</jobDescription></jobDescriptions>"
        f"<employmentType>{_PERSONIO_EMPLOYMENT.get(posting.commitment, 'permanent')}</employmentType>"
        f"<schedule>{'part-time' if posting.commitment == 'Part-time' else 'full-time'}</schedule>"
        f"<createdAt>{_iso(_board_moment(posting, day))}</createdAt>"
        "</position>\n"
        for posting in postings
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs>\n{positions}</workzag-jobs>\n'
    )
    return Rendered(200, XML_TYPE, document.encode())


def _rss(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    items = "".join(
        "<item>"
        f"<title>{_xml(posting.company)}: {_xml(posting.title)}</title>"
        f"<region>{_xml(posting.location.name)}</region>"
        f"<category>{_xml(posting.department)}</category>"
        f"<type>{_xml(posting.commitment)}</type>"
        f"<description>{_xml(_description_html(board, posting))}</description>"
        f"<pubDate>{format_datetime(_board_moment(posting, day))}</pubDate>"
        f'<guid isPermaLink="true">{_xml(posting.external_id)}</guid>'
        f"<link>{_xml(posting.external_id)}</link>"
        "</item>"
        for posting in postings
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{_xml(board.name)}</title><link>https://{board.slug}.example/</link>"
        f"<description>{_xml(board.name)}: the latest jobs</description><language>en-us</language>"
        f"{items}</channel></rss>\n"
    )
    return Rendered(200, RSS_TYPE, document.encode())


def _html(
    board: BoardSpec, day: date, postings: list[Posting], query: Mapping[str, str]
) -> Rendered:
    page = _int_param(query, "page", 1)
    if page < 1:
        raise BadQuery("page starts at 1")
    shown = postings[(page - 1) * HTML_PAGE_SIZE : page * HTML_PAGE_SIZE]
    items = "".join(
        f'<li class="job"><a class="title" href="{_xml(posting.external_id)}">{_xml(posting.title)}</a> '
        f'<span class="company">{_xml(posting.company)}</span> '
        f'<span class="location">{_xml(posting.location.name)}</span> '
        f'<time class="posted" datetime="{posting.board_date_on(day).isoformat()}">'
        f"{posting.board_date_on(day).strftime('%d %b %Y')}</time></li>\n"
        for posting in shown
    )
    more = page * HTML_PAGE_SIZE < len(postings)
    next_link = (
        f'<a class="next" href="/html/{board.slug}/jobs?page={page + 1}&amp;date={day.isoformat()}">Next page</a>'
        if more
        else ""
    )
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_xml(board.name)} - jobs, page {page}</title></head>\n"
        f'<body><h1>{_xml(board.name)}</h1><p class="count">{len(postings)} open positions</p>\n'
        f'<ul class="jobs">\n{items}</ul>\n<nav class="pagination">{next_link}</nav></body></html>\n'
    )
    return Rendered(200, HTML_TYPE, document.encode())


_RENDERERS: dict[str, Callable[[BoardSpec, date, list[Posting], Mapping[str, str]], Rendered]] = {
    "greenhouse": _greenhouse,
    "lever": _lever,
    "ashby": _ashby,
    "smartrecruiters": _smartrecruiters,
    "workable": _workable,
    "workday": _workday,
    "personio": _personio,
    "rss": _rss,
    "html": _html,
}


def _smartrecruiters_window(query: Mapping[str, str]) -> tuple[int, int]:
    offset = _int_param(query, "offset", 0)
    limit = min(
        _int_param(query, "limit", SMARTRECRUITERS_DEFAULT_LIMIT), SMARTRECRUITERS_MAX_LIMIT
    )
    return offset, limit


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadQuery(f"{name} must be a non-negative integer")
    return int(raw)


def _board_moment(posting: Posting, day: date) -> datetime:
    """The board's timestamp: its own date for the posting, at a fixed time of day per posting."""
    seconds = 7 * 3600 + (posting.serial * 2_654_435_761) % (10 * 3600)
    return datetime.combine(posting.board_date_on(day), time(), UTC) + timedelta(seconds=seconds)


def _iso(moment: datetime, milliseconds: bool = False) -> str:
    return moment.isoformat(timespec="milliseconds" if milliseconds else "seconds")


_ABOUT = (
    "We are a {industry} company that ships every week and measures what matters.",
    "Our {industry} teams are small, autonomous and close to customers.",
    "Join a {industry} business that has grown profitably for a decade.",
    "We build calm, dependable {industry} products used by millions.",
)
_OFFER = (
    "We offer flexible hours, a learning budget and 30 days of paid leave.",
    "Competitive pay, equity, parental leave & a yearly team retreat.",
    "Hybrid work, a modern office and health insurance from day one.",
    "A mentor from your first week, clear career levels and regular feedback.",
)


def _description_paragraphs(board: BoardSpec, posting: Posting) -> tuple[str, ...]:
    """A short, job-specific body; a job's reposts share it, as real reposts do."""
    pick = zlib.crc32(posting.job_key.encode())
    return (
        f"{posting.company} is hiring a {posting.base_title} ({posting.commitment}) "
        f"for its {posting.team} team in {posting.location.name}.",
        _ABOUT[pick % len(_ABOUT)].format(industry=board.industry),
        _OFFER[(pick // len(_ABOUT)) % len(_OFFER)],
    )


def _description_plain(board: BoardSpec, posting: Posting) -> str:
    return "\n\n".join(_description_paragraphs(board, posting))


def _description_html(board: BoardSpec, posting: Posting) -> str:
    first, *rest = _description_paragraphs(board, posting)
    bullets = "".join(f"<li>{html.escape(text)}</li>" for text in rest)
    return f"<p>{html.escape(first)}</p><ul>{bullets}</ul>"


def _xml(text: str) -> str:
    return html.escape(text, quote=False)


def _dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _json(document: object) -> Rendered:
    return Rendered(200, JSON_TYPE, _dumps(document))
