"""Fixtures of the reliability suite (fast retries, the clean reference history, processes) and
the fault matrix printed after the tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.matrix import (
    CASES,
    MATRIX_PROPERTY,
    MatrixRow,
    render,
)
from jobboard_assets_tests.reliability.state import CleanReference, day, served_market
from jobboard_assets_tests.reliability.support import Spawner

_MEASURED: dict[str, list[MatrixRow]] = defaultdict(list)


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CleanReference]:
    """The clean history every scenario is compared with, computed once per session."""
    with served_market() as (market, server):
        clean = CleanReference(tmp_path_factory.mktemp("reference"), market, server)
        yield clean
        clean.close()


@pytest.fixture
def day_one(jobboard_platform: Platform) -> Platform:
    """A platform that scraped day 1 cleanly, so day 2 inserts, updates and closes postings."""
    first = jobboard_platform.run(day(1))
    assert first["status"] == "completed", first["errors"]
    return jobboard_platform


@pytest.fixture
def spawner() -> Iterator[Spawner]:
    """Starts processes for a test; a failing test leaves none running."""
    started = Spawner()
    yield started
    started.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the measured matrix rows; with pytest-xdist they arrive here from the workers."""
    if report.when == "call":
        for name, value in report.user_properties:
            if name == MATRIX_PROPERTY:
                assert isinstance(value, (tuple, list)), value  # (backend, row); xdist: a list
                backend, row = value
                _MEASURED[backend].append(MatrixRow(*row))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    order = {case.name: index for index, case in enumerate(CASES)}
    for backend, rows in sorted(_MEASURED.items()):
        terminalreporter.write_sep("=", f"fault matrix as measured on {backend}")
        terminalreporter.write_line(render(sorted(rows, key=lambda row: order[row.fault])))
