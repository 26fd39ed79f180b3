"""One market for the whole module (histories are cached), servers on real loopback sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.server import SimServer

SEED = 42


@pytest.fixture(scope="session")
def market() -> SimulatedMarket:
    return SimulatedMarket(seed=SEED)


@pytest.fixture(scope="session")
def server(market: SimulatedMarket) -> Iterator[SimServer]:
    """A shared server: tests that set faults use `faulty_server` instead."""
    with SimServer(market) as running:
        yield running


@pytest.fixture
def faulty_server(market: SimulatedMarket) -> Iterator[SimServer]:
    """A server of its own, so a test's faults cannot leak into other tests."""
    with SimServer(market) as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
