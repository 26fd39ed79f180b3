"""Progress of the scrape phase: counted from the run's stored events while it executes."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from jobboard_assets.cli.progress import eta_seconds, plain_line, progress_display
from jobboard_assets_tests.platform import Platform

START = date(2026, 3, 2)


class _Clock:
    """A clock the test moves by hand, so periodic output is deterministic."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plain_output_prints_every_period_and_once_at_the_end() -> None:
    stream, clock = io.StringIO(), _Clock()
    with progress_display("scrape", stream=stream, every_seconds=10, clock=clock) as update:
        update(1, 0, 40)
        clock.now += 4
        update(5, 0, 40)  # within the period: nothing printed
        clock.now += 6
        update(10, 1, 40)
        clock.now += 30
        update(40, 2, 40)
    assert stream.getvalue().splitlines() == [
        "scrape 10/40 board-days, 1 failed, 10s elapsed, ETA 30s",
        "scrape 40/40 board-days, 2 failed, 40s elapsed, ETA 0s",
    ]


def test_eta_is_unknown_before_the_first_unit() -> None:
    assert eta_seconds(0, 10, 5.0) is None
    assert "ETA ?" in plain_line("x", 0, 0, 10, 5.0)
    assert eta_seconds(5, 10, 5.0) == 5.0


@pytest.mark.slow
def test_a_backfill_reports_every_board_day_with_its_failures(jobboard_platform: Platform) -> None:
    platform = jobboard_platform
    broken = platform.registry[2].slug
    platform.server.set_fault(broken, "http_500")
    seen: list[tuple[int, int, int]] = []
    run = platform.run(
        START, START + timedelta(days=2), scrape_progress=lambda *counts: seen.append(counts)
    )
    planned = len(platform.registry) * 3
    assert run["status"] == "partial"
    assert seen, "no progress was reported"
    assert all(total == planned for _, _, total in seen)
    done = [d for d, _, _ in seen]
    assert done == sorted(done)  # progress never goes back
    # The broken board fails each of its three days; the other boards apply all of theirs.
    assert seen[-1] == (planned, 3, planned)


def test_plain_output_ends_with_the_last_counts_when_the_period_has_not_passed() -> None:
    stream, clock = io.StringIO(), _Clock()
    with progress_display("scrape", stream=stream, every_seconds=10, clock=clock) as update:
        update(3, 0, 8)
        clock.now += 2
        update(8, 1, 8)
    assert stream.getvalue().splitlines() == ["scrape 8/8 board-days, 1 failed, 2s elapsed, ETA 0s"]
