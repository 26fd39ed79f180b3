"""Fixtures for the source tests: a loopback server, a fast client, boards and fixture files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets_tests.http_server import LoopbackServer

FIXTURES = Path(__file__).parent / "fixtures"

# Short timeouts, tiny backoff and no politeness interval keep the suite fast; tests of those
# behaviours set their own values.
FAST_SETTINGS = HttpSettings(
    connect_timeout=0.5,
    read_timeout=1.0,
    retries=2,
    backoff_factor=0.01,
    backoff_jitter=0.01,
    backoff_max=0.05,
    max_retry_after=5.0,
    min_interval=0.0,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def client() -> Iterator[PoliteHttpClient]:
    with PoliteHttpClient(FAST_SETTINGS) as fast:
        yield fast


def make_board(
    kind: str, url: str, slug: str = "acme", name: str = "Acme Corp", **options: Any
) -> BoardConfig:
    return BoardConfig(slug=slug, name=name, kind=kind, url=url, options=options)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
