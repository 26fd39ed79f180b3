"""The wire formats over real HTTP: shapes of the real APIs, paging, determinism, unknown boards."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import lxml.html
import pytest
import requests

from jobboard_assets.sim import vocab
from jobboard_assets.sim.catalog import BoardSpec
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.server import SimServer
from jobboard_assets_tests.sim.conftest import SEED
from jobboard_assets_tests.sim.wire import first_page_url

DAY = date(2025, 10, 6)
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(\+00:00|Z)$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# The URL of a later page, for the kinds that page.
LATER_PAGE: dict[str, Callable[[str], str]] = {
    "lever": lambda url: url + "&skip=100&limit=100",
    "smartrecruiters": lambda url: url.replace("offset=0", "offset=100"),
    "html": lambda url: url + "&page=2",
}


def page_urls(base_url: str, board: BoardSpec, day: date) -> list[str]:
    first = first_page_url(base_url, board, day)
    return [first, LATER_PAGE[board.kind](first)] if board.kind in LATER_PAGE else [first]


def board_of(market: SimulatedMarket, kind: str, index: int = 0) -> BoardSpec:
    return [board for board in market.boards if board.kind == kind][index]


def get(http: requests.Session, url: str) -> requests.Response:
    response = http.get(url, timeout=10)
    assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return response


@pytest.fixture(scope="module")
def twin_server() -> Iterator[SimServer]:
    """A second server on another port over a separately built market with the same seed."""
    with SimServer(SimulatedMarket(seed=SEED)) as running:
        yield running


@pytest.mark.parametrize("kind", vocab.KINDS)
def test_two_servers_with_the_same_seed_answer_byte_for_byte_the_same(
    market: SimulatedMarket,
    server: SimServer,
    twin_server: SimServer,
    http: requests.Session,
    kind: str,
) -> None:
    board = max(
        (b for b in market.boards if b.kind == kind),
        key=lambda b: len(market.postings_on(b.slug, DAY)),
    )
    pages = zip(
        page_urls(server.base_url, board, DAY),
        page_urls(twin_server.base_url, board, DAY),
        strict=True,
    )
    for own_url, twin_url in pages:
        body = get(http, own_url).content
        assert len(body) > 1000
        assert get(http, twin_url).content == body
        later_day = get(http, own_url.replace(DAY.isoformat(), "2025-10-20")).content
        assert later_day != body, "a different date serves a different board"


def test_later_pages_differ_from_the_first(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    for kind in ("lever", "smartrecruiters", "html"):
        board = max(
            (b for b in market.boards if b.kind == kind),
            key=lambda b: len(market.postings_on(b.slug, DAY)),
        )
        first, later = (get(http, url).content for url in page_urls(server.base_url, board, DAY))
        assert first != later, kind


def test_another_seed_is_another_market() -> None:
    assert [b.slug for b in SimulatedMarket(seed=7).boards] != [
        b.slug for b in SimulatedMarket(seed=SEED).boards
    ]


def test_greenhouse_shape(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = board_of(market, "greenhouse")
    document = get(http, first_page_url(server.base_url, board, DAY)).json()
    assert document["meta"] == {"total": len(document["jobs"])} and document["jobs"]
    job = document["jobs"][0]
    assert isinstance(job["id"], int) and isinstance(job["internal_job_id"], int)
    assert {
        "title",
        "absolute_url",
        "location",
        "departments",
        "updated_at",
        "first_published",
        "content",
    } <= set(job)
    assert job["location"]["name"] and job["departments"][0]["name"]
    assert "&lt;p&gt;" in job["content"] and "<p>" in html.unescape(job["content"]), (
        "content is escaped HTML"
    )
    assert datetime.fromisoformat(job["updated_at"]).tzinfo is not None
    without_content = get(
        http, first_page_url(server.base_url, board, DAY).replace("content=true&", "")
    ).json()
    assert "content" not in without_content["jobs"][0]


def test_lever_shape_and_skip_limit(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = board_of(market, "lever")
    url = first_page_url(server.base_url, board, DAY)
    everything = get(http, url).json()
    assert isinstance(everything, list) and len(everything) > 30
    window = get(http, url + "&skip=10&limit=20").json()
    assert window == everything[10:30]
    posting = everything[0]
    assert (
        UUID.match(posting["id"])
        and posting["text"]
        and posting["hostedUrl"].endswith(posting["id"])
    )
    assert posting["applyUrl"] == posting["hostedUrl"] + "/apply"
    assert isinstance(posting["createdAt"], int) and posting["createdAt"] > 1_700_000_000_000, (
        "epoch milliseconds"
    )
    assert set(posting["categories"]) == {
        "team",
        "department",
        "location",
        "commitment",
        "allLocations",
    }
    assert posting["categories"]["allLocations"] == [posting["categories"]["location"]]
    assert (
        posting["workplaceType"] in {"onsite", "hybrid", "remote"} and posting["descriptionPlain"]
    )


def test_ashby_shape_with_a_few_unlisted_postings(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = board_of(market, "ashby")
    document = get(http, first_page_url(server.base_url, board, DAY)).json()
    assert document["apiVersion"] == "1"
    jobs = document["jobs"]
    unlisted = [job for job in jobs if not job["isListed"]]
    assert 0 < len(unlisted) < 0.15 * len(jobs)
    assert len(jobs) - len(unlisted) == len(market.postings_on(board.slug, DAY))
    for job in jobs:
        assert UUID.match(job["id"]) and ISO_MILLIS.match(job["publishedAt"])
        assert job["workplaceType"] in {"OnSite", "Remote", "Hybrid"}
        assert job["isRemote"] == (job["workplaceType"] != "OnSite"), (
            "isRemote is true for hybrid too"
        )
        assert job["secondaryLocations"] == [] and job["jobUrl"].endswith(job["id"])


def test_smartrecruiters_shape_offset_and_limit(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = max(
        (b for b in market.boards if b.kind == "smartrecruiters"),
        key=lambda b: len(market.postings_on(b.slug, DAY)),
    )
    base = (
        server.base_url
        + f"/smartrecruiters/v1/companies/{board.slug}/postings?date={DAY.isoformat()}"
    )
    total = len(market.postings_on(board.slug, DAY))
    default = get(http, base).json()
    assert (
        default["offset"],
        default["limit"],
        default["totalFound"],
        len(default["content"]),
    ) == (0, 10, total, 10)
    capped = get(http, base + "&limit=500").json()
    assert capped["limit"] == 100 and len(capped["content"]) == 100, "limit is at most 100"
    tail = get(http, base + f"&limit=100&offset={total - 5}").json()
    assert tail["offset"] == total - 5 and len(tail["content"]) == 5
    posting = default["content"][0]
    assert posting["id"].isdigit() and len(posting["id"]) >= 15 and UUID.match(posting["uuid"])
    assert posting["company"] == {"identifier": board.slug, "name": board.companies[0].name}
    assert set(posting["location"]) == {"city", "region", "country", "remote", "fullLocation"}
    assert ISO_MILLIS.match(posting["releasedDate"]) and posting["ref"].endswith(posting["id"])
    assert posting["department"]["label"] and posting["refNumber"] and posting["name"]


def test_workable_shape(market: SimulatedMarket, server: SimServer, http: requests.Session) -> None:
    board = board_of(market, "workable")
    document = get(http, first_page_url(server.base_url, board, DAY)).json()
    assert document["name"] == board.companies[0].name
    job = document["jobs"][0]
    assert re.fullmatch(r"[0-9A-F]{10}", job["shortcode"])
    assert (
        job["shortcode"] in job["url"]
        and job["shortcode"] in job["shortlink"]
        and job["application_url"]
    )
    assert (
        date.fromisoformat(job["published_on"]) <= DAY
        and date.fromisoformat(job["created_at"]) <= DAY
    )
    assert isinstance(job["telecommuting"], bool) and "country" in job and "department" in job


def test_rss_items(market: SimulatedMarket, server: SimServer, http: requests.Session) -> None:
    board = board_of(market, "rss")
    response = get(http, first_page_url(server.base_url, board, DAY))
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel is not None and channel.findtext("title") == board.name
    items = channel.findall("item")
    assert len(items) == len(market.postings_on(board.slug, DAY))
    for item in items:
        company, _, role = (item.findtext("title") or "").partition(": ")
        assert company in {c.name for c in board.companies} and role
        assert item.findtext("guid") == item.findtext("link")
        assert parsedate_to_datetime(item.findtext("pubDate") or "").date() <= DAY
        assert item.findtext("region") and item.findtext("category") and item.findtext("type")


def test_html_pages_of_fifty_linked_by_next(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = max(
        (b for b in market.boards if b.kind == "html"),
        key=lambda b: len(market.postings_on(b.slug, DAY)),
    )
    total = len(market.postings_on(board.slug, DAY))
    pages = -(-total // 50)
    url: str | None = first_page_url(server.base_url, board, DAY)
    counts = []
    while url:
        page = lxml.html.fromstring(get(http, url).content)
        items = page.xpath('//li[@class="job"]')
        counts.append(len(items))
        for item in items:
            assert item.xpath('./a[@class="title"]/@href')[0].startswith(
                f"https://{board.slug}.example/jobs/"
            )
            assert item.xpath('./span[@class="company"]/text()') and item.xpath(
                './span[@class="location"]/text()'
            )
        next_href = page.xpath('//a[@class="next"]/@href')
        assert not next_href or (
            f"page={len(counts) + 1}" in next_href[0] and f"date={DAY.isoformat()}" in next_href[0]
        )
        url = server.base_url + next_href[0] if next_href else None
    assert counts == [50] * (pages - 1) + [total - 50 * (pages - 1)]
    beyond = lxml.html.fromstring(
        get(http, first_page_url(server.base_url, board, DAY) + f"&page={pages + 1}").content
    )
    assert beyond.xpath('//li[@class="job"]') == [] and beyond.xpath('//a[@class="next"]') == []


def test_unknown_boards_are_404_except_smartrecruiters_which_answers_an_empty_200(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    for kind in vocab.KINDS:
        board = board_of(market, kind)
        url = first_page_url(server.base_url, board, DAY).replace(
            f"/{board.slug}", "/no-such-board"
        )
        response = http.get(url)
        if kind == "smartrecruiters":
            assert response.status_code == 200
            assert response.json() == {"offset": 0, "limit": 100, "totalFound": 0, "content": []}
        else:
            assert response.status_code == 404, kind
    lever_slug_on_greenhouse_path = board_of(market, "lever").slug
    assert (
        http.get(
            server.base_url + f"/greenhouse/v1/boards/{lever_slug_on_greenhouse_path}/jobs"
        ).status_code
        == 404
    )


def test_robots_txt_allows_everything(server: SimServer, http: requests.Session) -> None:
    response = get(http, server.base_url + "/robots.txt")
    assert response.text.splitlines() == ["User-agent: *", "Allow: /"]


def test_bad_queries_are_400(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    greenhouse = first_page_url(server.base_url, board_of(market, "greenhouse"), DAY)
    assert http.get(greenhouse.replace(DAY.isoformat(), "2025-13-01")).status_code == 400
    assert (
        http.get(
            first_page_url(server.base_url, board_of(market, "lever"), DAY) + "&skip=-1"
        ).status_code
        == 400
    )
    assert (
        http.get(
            first_page_url(server.base_url, board_of(market, "html"), DAY) + "&page=0"
        ).status_code
        == 400
    )


def test_before_the_epoch_boards_are_empty(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    board = board_of(market, "greenhouse")
    document = get(http, first_page_url(server.base_url, board, date(2025, 5, 31))).json()
    assert document == {"jobs": [], "meta": {"total": 0}}


def test_etag_and_if_none_match_give_304(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    url = first_page_url(server.base_url, board_of(market, "workable"), DAY)
    etag = get(http, url).headers["ETag"]
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert http.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_bodies_carry_no_host_or_port(
    market: SimulatedMarket, server: SimServer, http: requests.Session
) -> None:
    port = server.base_url.rsplit(":", 1)[1]
    for kind in vocab.KINDS:
        for url in page_urls(server.base_url, board_of(market, kind), DAY):
            body = get(http, url).text
            assert "127.0.0.1" not in body and f":{port}" not in body, kind
