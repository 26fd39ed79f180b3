"""Every fault does what it says, switched from Python, over HTTP, per date, and cleared again."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from xml.etree import ElementTree

import pytest
import requests

from jobboard_assets.sim.catalog import BoardSpec
from jobboard_assets.sim.faults import parse_fault_option
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.server import FAULTS_PATH, SimServer
from jobboard_assets_tests.sim.wire import first_page_url, served_ids

DAY = date(2025, 8, 4)
OTHER_DAY = date(2025, 8, 5)


@pytest.fixture
def board(market: SimulatedMarket) -> BoardSpec:
    return next(b for b in market.boards if b.kind == "greenhouse")


def url_of(server: SimServer, board: BoardSpec, day: date = DAY) -> str:
    return first_page_url(server.base_url, board, day)


def test_timeout_waits_before_answering(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "timeout", seconds=1.5)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url_of(faulty_server, board), timeout=0.3)
    started = time.monotonic()
    assert requests.get(url_of(faulty_server, board), timeout=5).json()["jobs"]
    assert time.monotonic() - started >= 1.4


def test_a_sleeping_timeout_does_not_hold_up_shutdown(
    market: SimulatedMarket, board: BoardSpec
) -> None:
    """The handler sleeps for an hour: only the shutdown can end it before pytest's timeout."""
    server = SimServer(market).start()
    server.set_fault(board.slug, "timeout", seconds=3600)
    before = set(threading.enumerate())
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url_of(server, board), timeout=0.2)
    (sleeping,) = [t for t in set(threading.enumerate()) - before if "process_request" in t.name]
    server.stop()
    sleeping.join()  # returns because stop() woke it; a regression hangs until the test timeout
    assert not sleeping.is_alive()


def test_http_500(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "http_500")
    assert requests.get(url_of(faulty_server, board)).status_code == 500


def test_http_503_then_ok(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "http_503_then_ok", count=2)
    statuses = [requests.get(url_of(faulty_server, board)).status_code for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_http_429_with_retry_after(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "http_429", seconds=7)
    response = requests.get(url_of(faulty_server, board))
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")


def test_malformed_is_a_200_that_does_not_parse(
    faulty_server: SimServer, market: SimulatedMarket
) -> None:
    for kind in ("greenhouse", "lever", "rss"):
        target = next(b for b in market.boards if b.kind == kind)
        faulty_server.set_fault(target.slug, "malformed")
        response = requests.get(url_of(faulty_server, target))
        assert response.status_code == 200
        with pytest.raises((ValueError, ElementTree.ParseError)):
            ElementTree.fromstring(response.content) if kind == "rss" else json.loads(
                response.content
            )


def test_truncated_announces_the_full_length_and_sends_half(
    faulty_server: SimServer, board: BoardSpec
) -> None:
    full = requests.get(url_of(faulty_server, board)).content
    faulty_server.set_fault(board.slug, "truncated")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url_of(faulty_server, board))
    with requests.get(url_of(faulty_server, board), stream=True) as response:
        assert int(response.headers["Content-Length"]) == len(full)
        received = b""
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(4096):
                received += chunk
        assert 0 < len(received) <= len(full) // 2 and full.startswith(received)


def test_html_instead_of_json(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "html_instead_of_json")
    response = requests.get(url_of(faulty_server, board))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_empty_is_a_valid_listing_of_nothing(
    faulty_server: SimServer, market: SimulatedMarket, http: requests.Session
) -> None:
    for kind in ("greenhouse", "smartrecruiters", "html"):
        target = next(b for b in market.boards if b.kind == kind)
        faulty_server.set_fault(target.slug, "empty")
        assert served_ids(http, faulty_server.base_url, target, DAY) == set()


def test_shrink_keeps_a_stable_tenth(
    faulty_server: SimServer, board: BoardSpec, market: SimulatedMarket, http: requests.Session
) -> None:
    everything = {p.external_id for p in market.postings_on(board.slug, DAY)}
    faulty_server.set_fault(board.slug, "shrink")
    kept = served_ids(http, faulty_server.base_url, board, DAY)
    assert kept < everything and 0.03 * len(everything) <= len(kept) <= 0.2 * len(everything)
    assert served_ids(http, faulty_server.base_url, board, DAY) == kept
    faulty_server.set_fault(board.slug, "shrink", keep=0.5)
    assert (
        0.35 * len(everything)
        <= len(served_ids(http, faulty_server.base_url, board, DAY))
        <= 0.65 * len(everything)
    )


def test_redirect_loop(faulty_server: SimServer, board: BoardSpec) -> None:
    faulty_server.set_fault(board.slug, "redirect_loop")
    url = url_of(faulty_server, board)
    first = requests.get(url, allow_redirects=False)
    assert first.status_code == 302 and faulty_server.base_url + first.headers["Location"] == url
    with pytest.raises(requests.exceptions.TooManyRedirects):
        requests.get(url)


def test_huge_body_is_valid_and_as_big_as_asked(faulty_server: SimServer, board: BoardSpec) -> None:
    normal = requests.get(url_of(faulty_server, board)).json()
    faulty_server.set_fault(board.slug, "huge_body", megabytes=3)
    response = requests.get(url_of(faulty_server, board))
    assert int(response.headers["Content-Length"]) == len(response.content) == 3 * 1024 * 1024
    assert response.json() == normal


def test_a_fault_limited_to_days_leaves_other_days_alone(
    faulty_server: SimServer, board: BoardSpec
) -> None:
    faulty_server.set_fault(board.slug, "http_500", days=[DAY.isoformat()])
    assert requests.get(url_of(faulty_server, board, DAY)).status_code == 500
    assert requests.get(url_of(faulty_server, board, OTHER_DAY)).status_code == 200


def test_faults_are_per_board_replaced_and_cleared(
    faulty_server: SimServer, market: SimulatedMarket
) -> None:
    first, second = market.boards[0], market.boards[7]
    faulty_server.set_fault(first.slug, "http_500")
    faulty_server.set_fault(first.slug, "http_429")  # replaces the 500
    faulty_server.set_fault(second.slug, "http_500")
    assert requests.get(url_of(faulty_server, first)).status_code == 429
    assert requests.get(url_of(faulty_server, market.boards[1])).status_code == 200
    assert faulty_server.clear_faults(first.slug) == 1
    assert requests.get(url_of(faulty_server, first)).status_code == 200
    assert requests.get(url_of(faulty_server, second)).status_code == 500
    assert faulty_server.clear_faults() == 1
    assert requests.get(url_of(faulty_server, second)).status_code == 200


def test_faults_over_http(faulty_server: SimServer, board: BoardSpec) -> None:
    control = faulty_server.base_url + FAULTS_PATH
    created = requests.post(
        control, json={"board": board.slug, "fault": "http_503_then_ok", "count": 1}
    )
    assert created.status_code == 201
    assert requests.get(url_of(faulty_server, board)).status_code == 503
    listed = requests.get(control).json()["faults"]
    assert listed == [
        {
            "board": board.slug,
            "fault": "http_503_then_ok",
            "count": 1.0,
            "days": None,
            "requests": 1,
        }
    ]
    assert requests.get(url_of(faulty_server, board)).status_code == 200
    assert requests.delete(control).json() == {"cleared": 1}
    assert requests.get(control).json() == {"faults": []}
    for invalid in (
        {"board": board.slug, "fault": "gremlins"},
        {"board": "no-such-board", "fault": "http_500"},
        {"board": board.slug, "fault": "http_429", "volume": 11},
        {"fault": "http_500"},
    ):
        assert requests.post(control, json=invalid).status_code == 400, invalid
    assert requests.post(control, data=b"not json").status_code == 400


def test_invalid_faults_are_refused(faulty_server: SimServer, board: BoardSpec) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        faulty_server.set_fault(board.slug, "gremlins")
    with pytest.raises(ValueError, match="no simulated board"):
        faulty_server.set_fault("no-such-board", "http_500")
    with pytest.raises(ValueError, match="takes no parameter"):
        faulty_server.set_fault(board.slug, "http_500", seconds=3)
    with pytest.raises(ValueError, match="must be a number"):
        faulty_server.set_fault(board.slug, "timeout", seconds="soon")
    with pytest.raises(ValueError, match="ISO dates"):
        faulty_server.set_fault(board.slug, "empty", days=["tomorrow"])


def test_fault_options_as_the_cli_takes_them() -> None:
    assert parse_fault_option("acme=http_500") == ("acme", "http_500", {})
    assert parse_fault_option("acme=http_429,seconds=5") == ("acme", "http_429", {"seconds": "5"})
    assert parse_fault_option("acme=empty,days=2025-06-03+2025-06-04") == (
        "acme",
        "empty",
        {"days": ["2025-06-03", "2025-06-04"]},
    )
    for invalid in ("acme", "=http_500", "acme=http_429,seconds"):
        with pytest.raises(ValueError):
            parse_fault_option(invalid)
