"""Settings come from the environment when asked for; the partition start when definitions load."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from jobboard_assets import config


def test_start_date_defaults_and_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.START_DATE_ENV, raising=False)
    assert config.start_date() == date(2026, 1, 1)
    monkeypatch.setenv(config.START_DATE_ENV, "2025-06-01")
    assert config.start_date() == date(2025, 6, 1)


def test_the_daily_partitions_start_on_the_day_set_before_the_definitions_load() -> None:
    """A fresh process, as Dagster loads the code location: the first day is the configured one."""
    first = subprocess.run(
        [
            sys.executable,
            "-c",
            "from jobboard_assets.lib.partitions import daily_partitions as d; "
            "print(d.get_first_partition_key())",
        ],
        env={**os.environ, config.START_DATE_ENV: "2025-06-01"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert first.stdout.strip() == "2025-06-01"
