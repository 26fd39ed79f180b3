"""Workday and Personio boards of the simulator, read by the real parsers, with Workday's faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from sqlalchemy import Engine, select

from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import process_board_day
from jobboard_assets.sim import vocab
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.registry_file import registry_yaml
from jobboard_assets.sim.server import SimServer
from jobboard_assets.sources.errors import SourceError
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.sources.registry import load_registry
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobPosting
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards

DAY = date(2025, 11, 3)


@pytest.fixture(scope="module")
def market() -> SimulatedMarket:
    return SimulatedMarket(seed=7, n_boards=len(vocab.ALL_KINDS), kinds=vocab.ALL_KINDS)


@pytest.fixture(scope="module")
def running(market: SimulatedMarket) -> Iterator[SimServer]:
    with SimServer(market) as server:
        yield server


@pytest.fixture(scope="module")
def boards(
    market: SimulatedMarket, running: SimServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, BoardConfig]:
    """The market's registry as `boards.yaml` validates it, by kind."""
    registry = tmp_path_factory.mktemp("registry") / "boards.yaml"
    registry.write_text(registry_yaml(market.board_configs(running.base_url), "enterprise"))
    return {board.kind: board for board in load_registry(registry)}


@pytest.fixture(scope="module")
def client() -> Iterator[PoliteHttpClient]:
    with PoliteHttpClient(HttpSettings(retries=0, min_interval=0, read_timeout=10)) as polite:
        yield polite


@pytest.mark.parametrize("kind", vocab.ENTERPRISE_KINDS)
def test_the_real_parsers_read_every_posting_the_board_served(
    kind: str, market: SimulatedMarket, boards: dict[str, BoardConfig], client: PoliteHttpClient
) -> None:
    board = boards[kind]
    result = scrape_board(board, DAY, client)

    scraped = {r.external_id: (r.title, r.company, r.location) for r in result.records}
    served = {
        p.external_id: (p.title, board.name if kind == "workday" else p.company, p.location.name)
        for p in market.postings_on(board.slug, DAY)
    }
    assert len(served) > 20  # more than one Workday page
    assert scraped == served


def test_workday_dates_are_the_boards_own_the_phrases_approximate(
    market: SimulatedMarket, boards: dict[str, BoardConfig], client: PoliteHttpClient
) -> None:
    board = boards["workday"]
    records = {r.external_id: r for r in scrape_board(board, DAY, client).records}

    for posting in market.postings_on(board.slug, DAY):
        board_day = posting.board_date_on(DAY)
        record = records[posting.external_id]
        assert record.posted_at == datetime(
            board_day.year, board_day.month, board_day.day, tzinfo=UTC
        )
        # within 30 days the list's phrase says the day; older ones come from the job's endpoint
        assert record.posted_at_approximate == ((DAY - board_day).days < 30)


def stored_dates(engine: Engine) -> dict[str, tuple[datetime | None, bool, date]]:
    """external id -> (posted_at, posted_at_approximate, last_seen) of every stored posting."""
    columns = (
        JobPosting.external_id,
        JobPosting.posted_at,
        JobPosting.posted_at_approximate,
        JobPosting.last_seen,
    )
    with session_scope(engine) as session:
        return {
            row.external_id: (row.posted_at, row.posted_at_approximate, row.last_seen)
            for row in session.execute(select(*columns))
        }


def test_workday_phrase_dates_are_stored_approximate_until_the_job_endpoint_states_them(
    engine: Engine,
    market: SimulatedMarket,
    boards: dict[str, BoardConfig],
    client: PoliteHttpClient,
) -> None:
    """Two days of the simulator's Workday board through the warehouse: each posting keeps its
    latest sighting's date, approximate while the list's phrase names the day. One posting is
    29 days old on the first day ("Posted 29 Days Ago") and 30 on the second ("Posted 30+ Days
    Ago": its endpoint's startDate is read): it loses the mark."""
    board, rule = boards["workday"], SuspectRule()
    with session_scope(engine) as session:
        sync_boards(session, [board])
        board_id = board_ids_by_slug(session)[board.slug]
    later = DAY + timedelta(days=1)
    process_board_day(engine, board_id, board, DAY, client, rule)
    assert stored_dates(engine)["1585905771"][1] is True  # "Posted 29 Days Ago"
    process_board_day(engine, board_id, board, later, client, rule)
    rows = stored_dates(engine)

    def sighted(posting_day: date, day: date) -> tuple[datetime, bool]:
        return (
            datetime(posting_day.year, posting_day.month, posting_day.day, tzinfo=UTC),
            (day - posting_day).days < 30,
        )

    expected = {
        posting.external_id: (*sighted(posting.board_date_on(day), day), day)
        for day in (DAY, later)  # the later sighting wins
        for posting in market.postings_on(board.slug, day)
    }
    assert rows == expected
    assert rows["1585905771"][1] is False  # "Posted 30+ Days Ago": the endpoint's startDate
    assert 0 < sum(approximate for _, approximate, _ in rows.values()) < len(rows)


def test_workday_pages_hold_20_jobs_at_most_and_a_wrong_site_is_a_400(
    running: SimServer, boards: dict[str, BoardConfig]
) -> None:
    url = boards["workday"].url.replace("{date}", DAY.isoformat())
    search = {"appliedFacets": {}, "limit": 50, "offset": 0, "searchText": ""}

    first = requests.post(url, json=search, timeout=10).json()
    later = requests.post(url, json={**search, "offset": 20}, timeout=10).json()
    wrong_site = requests.post(url.replace("/External/", "/Careers/"), json=search, timeout=10)

    assert len(first["jobPostings"]) == 20
    assert first["total"] > 20 and later["total"] == 0
    assert wrong_site.status_code == 400


def test_the_default_market_has_no_new_kinds() -> None:
    assert {board.kind for board in SimulatedMarket(seed=7, n_boards=14).boards} == set(vocab.KINDS)


def test_a_personio_fault_fails_the_board_loudly(
    running: SimServer, boards: dict[str, BoardConfig], client: PoliteHttpClient
) -> None:
    board = boards["personio"]
    running.set_fault(board.slug, "malformed")
    try:
        with pytest.raises(SourceError, match="malformed response"):
            scrape_board(board, DAY, client)
    finally:
        running.clear_faults(board.slug)
