"""Each board kind's parser on fixtures with the real field names, served over loopback HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from jobboard_assets.sources.errors import MalformedResponseError, TooManyPagesError
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig, ScrapeResult
from jobboard_assets_tests.http_server import LoopbackServer, Reply, Request
from jobboard_assets_tests.sources.conftest import fixture_bytes, make_board


def today() -> date:
    return datetime.now(UTC).date()


def scrape(board: BoardConfig, client: PoliteHttpClient) -> ScrapeResult:
    return scrape_board(board, today(), client)


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_greenhouse(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/v1/boards/acme/jobs", Reply(200, fixture_bytes("greenhouse_jobs.json")))

    result = scrape(
        make_board("greenhouse", server.url("/v1/boards/acme/jobs?content=true")), client
    )

    backend, analyst = result.records
    assert (backend.external_id, backend.url) == (
        "4012345",
        "https://boards.greenhouse.io/acme/jobs/4012345",
    )
    assert backend.title == "Senior Backend Engineer (m/w/d) - Berlin"
    assert (backend.normalized_title, backend.role_family) == (
        "senior backend engineer",
        "engineering",
    )
    assert (backend.company, backend.location, backend.department) == (
        "Acme Corp",
        "Berlin, Germany",
        "Engineering",
    )
    assert backend.posted_at == utc(2026, 10, 1, 12)  # first_published, not updated_at
    assert backend.description_text == "Build payments APIs & services.\nPython\nPostgreSQL"
    assert backend.remote is None
    assert analyst.posted_at == utc(2026, 11, 25, 12)  # no first_published: updated_at
    # no company_name: the board's name
    assert (analyst.department, analyst.remote, analyst.company) == (
        "Data, Finance",
        True,
        "Acme Corp",
    )
    assert analyst.role_family == "data"
    assert (result.pages, result.bytes_read) == (1, len(fixture_bytes("greenhouse_jobs.json")))


def lever_pages(postings: list[dict[str, Any]]) -> Any:
    def handler(request: Request) -> Reply:
        skip, limit = int(request.query["skip"]), int(request.query["limit"])
        return Reply.json(postings[skip : skip + limit])

    return handler


def test_lever_pages_with_skip_and_limit_until_a_short_page(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/v0/postings/acme", lever_pages(fixture_json("lever_postings.json")))

    result = scrape(
        make_board("lever", server.url("/v0/postings/acme?mode=json"), page_size=2), client
    )

    requests = server.requests_to("/v0/postings/acme")
    assert [r.query for r in requests] == [
        {"mode": "json", "skip": str(skip), "limit": "2"} for skip in (0, 2, 4)
    ]
    assert result.pages == 3 and len(result.records) == 5
    designer, seller, nurse, recruiter, associate = result.records
    assert designer.external_id == "5ac21346-8e0c-4494-8e7a-3eb92ff77902"
    assert (designer.title, designer.normalized_title, designer.role_family) == (
        "Sr. Product Designer",
        "senior product designer",
        "design",
    )
    assert designer.company == "Acme Corp"  # the board's name: a Lever site is one employer's
    assert (designer.location, designer.department) == ("London", "Design")
    assert designer.posted_at == datetime.fromtimestamp(1763337600, UTC)
    assert designer.description_text == "Design the checkout.\nWork with engineers."
    assert [r.remote for r in result.records] == [
        False,
        True,
        False,
        True,
        None,
    ]  # hybrid is not remote
    assert seller.department == "Sales"  # no department: the team
    assert [nurse.role_family, recruiter.role_family, associate.role_family] == [
        "healthcare",
        "people",
        "operations",
    ]


def test_lever_stops_after_an_empty_page_when_the_last_page_is_full(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/v0/postings/acme", lever_pages(fixture_json("lever_postings.json")[:4]))

    result = scrape(make_board("lever", server.url("/v0/postings/acme"), page_size=2), client)

    assert (result.pages, len(result.records)) == (3, 4)


def test_a_posting_seen_on_two_pages_is_listed_once(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    postings = fixture_json("lever_postings.json")
    # A posting added while paging shifts the list: the second page repeats the first page's last.
    server.route("/v0/postings/acme", Reply.json(postings[:2]), Reply.json(postings[1:2]))

    result = scrape(make_board("lever", server.url("/v0/postings/acme"), page_size=2), client)

    assert [r.external_id for r in result.records] == [postings[0]["id"], postings[1]["id"]]


def test_ashby_trusts_workplace_type_and_skips_unlisted(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/posting-api/job-board/acme", Reply(200, fixture_bytes("ashby_jobs.json")))

    result = scrape(
        make_board("ashby", server.url("/posting-api/job-board/acme"), name="Acme AI"), client
    )

    ml, success = result.records  # the unlisted posting is left out
    assert ml.remote is False  # workplaceType Hybrid, although isRemote is true
    assert success.remote is True
    assert (ml.company, ml.location, ml.department) == (
        "Acme AI",
        "San Francisco, CA",
        "Engineering",
    )
    assert ml.url == "https://jobs.ashbyhq.com/acme/0b7a1d5c-1111-4c2e-9f00-aaaaaaaaaaa1"
    assert ml.posted_at == datetime(2026, 11, 2, 17, 31, 2, 554000, tzinfo=UTC)
    assert (ml.role_family, success.role_family) == ("data", "customer_support")
    assert ml.description_text == "Train models."


def smartrecruiters_pages(postings: list[dict[str, Any]]) -> Any:
    def handler(request: Request) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply.json(
            {
                "offset": offset,
                "limit": limit,
                "totalFound": len(postings),
                "content": postings[offset : offset + limit],
            }
        )

    return handler


def test_smartrecruiters_pages_until_total_found(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route(
        "/v1/companies/AcmeGroup/postings",
        smartrecruiters_pages(fixture_json("smartrecruiters_postings.json")),
    )

    result = scrape(
        make_board("smartrecruiters", server.url("/v1/companies/AcmeGroup/postings"), page_size=2),
        client,
    )

    offsets = [r.query["offset"] for r in server.requests_to("/v1/companies/AcmeGroup/postings")]
    assert offsets == ["0", "2", "4"] and result.pages == 3
    analyst, sre, counsel, _teacher, _payroll = result.records
    assert analyst.url == "https://jobs.smartrecruiters.com/AcmeGroup/744000012345671"
    assert counsel.url == "https://careers.acme.example/jobs/744000012345673"  # postingUrl wins
    assert (analyst.title, analyst.company, analyst.department) == (
        "Financial Analyst",
        "Acme Group",
        "Finance",
    )
    assert (analyst.location, sre.location) == ("Warsaw, Masovia, Poland", "Lisbon, pt")
    assert (analyst.remote, sre.remote) == (False, True)
    assert analyst.posted_at == datetime(2026, 11, 15, 10, 21, 7, tzinfo=UTC)
    assert [r.role_family for r in result.records] == [
        "finance",
        "engineering",
        "legal",
        "education",
        "finance",
    ]


def test_smartrecruiters_uses_at_most_100_per_page_by_default(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/v1/companies/Nobody/postings", smartrecruiters_pages([]))

    result = scrape(
        make_board("smartrecruiters", server.url("/v1/companies/Nobody/postings")), client
    )

    assert result.records == [] and result.pages == 1
    assert server.requests_to("/v1/companies/Nobody/postings")[0].query == {
        "offset": "0",
        "limit": "100",
    }


def test_workable(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/api/v1/widget/accounts/acme", Reply(200, fixture_bytes("workable_account.json")))

    result = scrape(
        make_board("workable", server.url("/api/v1/widget/accounts/acme?details=true")), client
    )

    firmware, marketing = result.records
    assert (firmware.external_id, firmware.company) == ("A1B2C3D4E5", "Acme Robotics")
    # `telecommuting: false` does not say on-site
    assert (firmware.location, firmware.department, firmware.remote) == (
        "Munich, Bavaria, Germany",
        "R&D",
        None,
    )
    assert firmware.posted_at == utc(2026, 11, 12)  # published_on
    assert firmware.description_text == "Write firmware & drivers."
    assert (marketing.url, marketing.location, marketing.remote) == (
        "https://apply.workable.com/j/F6G7H8I9J0",
        "Spain",
        True,
    )
    assert marketing.posted_at == utc(2026, 11, 1)  # no published_on: created_at
    assert (firmware.role_family, marketing.role_family) == ("engineering", "marketing")


def test_rss_in_we_work_remotely_style(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route(
        "/categories/remote-programming-jobs.rss", Reply(200, fixture_bytes("wwr_feed.rss"))
    )

    result = scrape(
        make_board("rss", server.url("/categories/remote-programming-jobs.rss")), client
    )

    rails, support = result.records
    assert (rails.company, rails.title) == ("Globex", "Senior Ruby on Rails Developer")
    assert (
        rails.external_id
        == "https://weworkremotely.com/remote-jobs/globex-senior-ruby-on-rails-developer"
    )
    assert (rails.location, rails.remote, rails.department) == (
        "Anywhere in the World",
        True,
        "Back-End Programming",
    )
    assert rails.posted_at == datetime(2026, 11, 24, 14, 5, 11, tzinfo=UTC)
    assert rails.description_text == "Headquarters: Springfield\nShip Rails features & fix bugs."
    assert (support.company, support.title) == ("Initech", "Support Engineer: Tier 2")
    assert (
        support.external_id
        == support.url
        == "https://weworkremotely.com/remote-jobs/initech-support-engineer"
    )
    assert len(server.requests_to("/robots.txt")) == 1  # feeds are crawled: robots.txt first


def test_atom_feed(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/jobs.atom", Reply(200, fixture_bytes("atom_feed.xml")))

    result = scrape(make_board("rss", server.url("/jobs.atom")), client)

    manager, payroll = result.records
    assert (manager.company, manager.title, manager.url) == (
        "Hooli",
        "Product Manager",
        "https://jobs.example/hooli-product-manager",
    )
    assert manager.external_id == "tag:jobs.example,2026:1001"
    assert manager.posted_at == utc(2026, 11, 26, 18, 30, 2)
    assert manager.description_text == "Own the roadmap."
    assert (payroll.company, payroll.title, payroll.url) == (
        "Umbrella Corp",
        "Payroll Specialist",
        "https://jobs.example/umbrella-payroll",
    )
    assert payroll.posted_at == utc(2026, 11, 25, 10)  # no published: updated
    assert payroll.description_text == "Run payroll."


HTML_OPTIONS = {
    "item_selector": "li.job",
    "title_selector": ".job-title",
    "link_selector": "a.job-link, .job-title a",
    "company_selector": ".company",
    "location_selector": ".location",
    "next_selector": "a.next",
}


def html_pages(request: Request) -> Reply:
    page = request.query.get("page", "1")
    return Reply(
        200, fixture_bytes(f"html_page{page}.html"), {"Content-Type": "text/html; charset=utf-8"}
    )


def test_html_follows_next_links_and_stops_on_a_repeated_url(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/list", html_pages)

    result = scrape(make_board("html", server.url("/list?page=1"), **HTML_OPTIONS), client)

    assert [r.query["page"] for r in server.requests_to("/list")] == [
        "1",
        "2",
    ]  # page 2 links back to 1
    frontend, scientist, accountant = result.records  # the promo item has no link; 101 repeats
    assert frontend.external_id == frontend.url == server.url("/jobs/101")
    assert (frontend.title, frontend.normalized_title) == (
        "Frontend Developer (f/m/x)",
        "frontend developer",
    )
    assert (frontend.company, frontend.location) == ("Vandelay Industries", "Zürich")
    assert scientist.url == "https://other.example/jobs/202"
    assert (scientist.remote, scientist.role_family) == (True, "data")
    assert (accountant.company, accountant.role_family) == ("Kramerica", "finance")
    assert result.pages == 2


def test_html_page_declaring_a_charset_lxml_refuses_is_still_read(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    """A NUL in `<meta charset>` (found by the hostile-input test) made lxml raise ValueError
    out of the parser; the page is now read as UTF-8, undecodable bytes replaced."""
    page = fixture_bytes("html_page2.html").replace(b'charset="utf-8"', b'charset="\x00"')
    server.route("/list", lambda _: Reply(200, page, {"Content-Type": "text/html"}))
    options = {**HTML_OPTIONS}
    del options["next_selector"]

    result = scrape(make_board("html", server.url("/list"), **options), client)

    assert [r.title for r in result.records] == ["Accountant", "Frontend Developer (f/m/x)"]


def test_html_fixed_company_option(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/list", html_pages)
    options = {**HTML_OPTIONS, "company": "Seinfeld Staffing"}
    del options["next_selector"]

    result = scrape(make_board("html", server.url("/list?page=1"), **options), client)

    assert {r.company for r in result.records} == {"Seinfeld Staffing"} and result.pages == 1


def test_html_refuses_to_return_a_partial_listing_beyond_max_pages(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    def endless(request: Request) -> Reply:
        page = int(request.query["page"])
        return Reply(
            200,
            f'<li class="job"><h2 class="job-title"><a href="/j/{page}">Job {page}</a></h2></li>'
            f'<a class="next" href="/list?page={page + 1}">next</a>',
        )

    server.route("/list", endless)

    with pytest.raises(TooManyPagesError) as caught:
        scrape(make_board("html", server.url("/list?page=1"), max_pages=3, **HTML_OPTIONS), client)

    assert len(server.requests_to("/list")) == 3
    assert "max_pages=3" in str(caught.value)


def test_html_items_without_links_mean_the_selectors_no_longer_fit(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route(
        "/list", Reply(200, '<li class="job"><h2 class="job-title">Engineer</h2></li>' * 3)
    )

    with pytest.raises(MalformedResponseError) as caught:
        scrape(make_board("html", server.url("/list"), **HTML_OPTIONS), client)

    assert "3 items, none with both" in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "reply", "expected"),
    [
        (
            "greenhouse",
            Reply.json({"error": "Not found"}),
            "a JSON object with a 'jobs' list, got a JSON object with keys [error]",
        ),
        ("ashby", Reply.json([]), "a JSON object with a 'jobs' list, got a JSON array of 0 items"),
        (
            "lever",
            Reply.json({"ok": False, "error": "Document not found"}),
            "a JSON array of postings, got a JSON object",
        ),
        ("workable", Reply.json({"name": "x", "jobs": ["oops"]}), "job #0: not an object"),
        ("greenhouse", Reply.json({"jobs": [{"title": "Engineer"}]}), "got 1 of 1: job #0: no id"),
        ("smartrecruiters", Reply.json({"content": []}), "integer 'offset' and 'totalFound'"),
        (
            "greenhouse",
            Reply(200, '{"jobs": [{"id": 1,', {"Content-Type": "application/json"}),
            "invalid JSON",
        ),
        ("greenhouse", Reply(200, b""), "an empty body"),
        (
            "workable",
            Reply(
                200,
                "<!DOCTYPE html><html><title>Just a moment...</title></html>",
                {"Content-Type": "text/html"},
            ),
            "an HTML page (Content-Type text/html) starting '<!DOCTYPE html>",
        ),
        ("rss", Reply(200, "<rss><channel><item>"), "item #0: no id"),
        ("rss", Reply(200, "no markup at all"), "no XML element could be recovered"),
        ("rss", Reply(200, "<html><body>Blocked</body></html>"), "root element is <html>"),
        (
            "rss",
            Reply(200, "<rss><channel><item><title>A: B</title></item></channel></rss>"),
            "item #0: no id",
        ),
    ],
)
def test_wrong_shapes_are_malformed_with_a_readable_message(
    server: LoopbackServer, client: PoliteHttpClient, kind: str, reply: Reply, expected: str
) -> None:
    server.route("/board", reply)

    with pytest.raises(MalformedResponseError) as caught:
        scrape(make_board(kind, server.url("/board")), client)

    message = str(caught.value)
    assert message.startswith("board 'acme': malformed response: expected ")
    assert expected in message
    assert caught.value.url is not None and caught.value.url.startswith(server.url("/board"))
