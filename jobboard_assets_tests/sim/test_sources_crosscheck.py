"""The real parsers (`jobboard_assets.sources`) read every simulated board unchanged.

Scrapes every board of the registry the simulator generates, for one day, through the
production client and `scrape_board`, and compares with what the market says it served.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.registry_file import registry_yaml
from jobboard_assets.sim.server import SimServer
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.sources.registry import load_registry

DAY = date(2025, 11, 3)


@pytest.fixture(scope="module")
def client() -> Iterator[PoliteHttpClient]:
    with PoliteHttpClient(HttpSettings(retries=0, min_interval=0, read_timeout=10)) as polite:
        yield polite


def test_every_simulated_board_parses_with_the_real_parsers(
    market: SimulatedMarket, server: SimServer, client: PoliteHttpClient, tmp_path: Path
) -> None:
    registry = tmp_path / "boards.yaml"
    registry.write_text(
        registry_yaml(market.board_configs(server.base_url), "cross-check"), encoding="utf-8"
    )
    for board in load_registry(registry):
        result = scrape_board(board, DAY, client)
        scraped = {
            record.external_id: (record.title, record.company, record.location)
            for record in result.records
        }
        served = {
            posting.external_id: (posting.title, posting.company, posting.location.name)
            for posting in market.postings_on(board.slug, DAY)
        }
        assert scraped.keys() == served.keys(), board.slug
        assert {key: value[:2] for key, value in scraped.items()} == {
            key: value[:2] for key, value in served.items()
        }
        assert all(location for _, _, location in scraped.values()), board.slug
