"""`scrape_board`: day resolution, dispatch by kind, and what it reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from jobboard_assets.sources.errors import NotDateAddressableError, SourceError
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import PoliteHttpClient
from jobboard_assets.sources.kinds import KINDS
from jobboard_assets_tests.http_server import LoopbackServer, Reply
from jobboard_assets_tests.sources.conftest import make_board


def today() -> date:
    return datetime.now(UTC).date()


def test_a_board_without_date_is_only_scraped_for_today(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    board = make_board("greenhouse", server.url("/jobs"))
    server.route("/jobs", Reply.json({"jobs": []}))
    last_week = today() - timedelta(days=7)

    with pytest.raises(NotDateAddressableError) as caught:
        scrape_board(board, last_week, client)

    assert server.requests == []  # fails before any request
    assert str(caught.value) == (
        "board 'acme' is not date-addressable (its url has no {date}); it can only be scraped for "
        f"today, {today().isoformat()}, not {last_week.isoformat()}"
    )
    assert scrape_board(board, today(), client).day == today()


def test_date_is_filled_in_and_kept_through_paging(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    postings = [
        {"id": f"id-{n}", "text": "Engineer", "hostedUrl": f"https://x/{n}"} for n in range(3)
    ]
    server.route("/v0/postings/acme", Reply.json(postings[:2]), Reply.json(postings[2:]))
    board = make_board("lever", server.url("/v0/postings/acme?mode=json&date={date}"), page_size=2)

    result = scrape_board(board, date(2026, 11, 1), client)

    queries = [request.query for request in server.requests_to("/v0/postings/acme")]
    assert [q["date"] for q in queries] == ["2026-11-01", "2026-11-01"]
    assert [q["skip"] for q in queries] == ["0", "2"]
    assert (result.day, result.board, len(result.records), result.pages) == (
        date(2026, 11, 1),
        board,
        3,
        2,
    )
    assert result.bytes_read == sum(
        len(Reply.json(page).body_bytes) for page in (postings[:2], postings[2:])
    )


def test_an_unknown_kind_fails_before_any_request(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    with pytest.raises(SourceError, match="unknown kind 'myspace'"):
        scrape_board(make_board("myspace", server.url("/jobs")), today(), client)

    assert server.requests == []


def test_every_documented_kind_is_registered() -> None:
    assert sorted(KINDS) == sorted(
        [
            "greenhouse",
            "lever",
            "ashby",
            "smartrecruiters",
            "workable",
            "workday",
            "personio",
            "rss",
            "html",
        ]
    )
    assert {name for name, kind in KINDS.items() if kind.obeys_robots_txt} == {"rss", "html"}
