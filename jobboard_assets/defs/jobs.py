"""The two jobs a pipeline execution runs: the board-day scrape, then the daily history phases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dagster import AssetSelection, define_asset_job

from jobboard_assets.defs.assets import (
    BOARD_POSTINGS,
    RAW_DATA_SNAPSHOTS,
    history_assets,
)
from jobboard_assets.defs.checks import asset_checks
from jobboard_assets.defs.metric_assets import metric_assets
from jobboard_assets.defs.partitions import board_day_key
from jobboard_assets.defs.tags import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG

SCRAPE_JOB = "scrape_boards"
HISTORY_JOB = "daily_history"

scrape_boards_job = define_asset_job(
    SCRAPE_JOB,
    selection=AssetSelection.assets(BOARD_POSTINGS, RAW_DATA_SNAPSHOTS),
    description="Phases 1-2 for a range of board-days: scrape, merge, snapshot.",
)
daily_history_job = define_asset_job(
    HISTORY_JOB,
    selection=AssetSelection.assets(*history_assets).without_checks()
    | AssetSelection.assets(*metric_assets).without_checks()
    | AssetSelection.checks(*asset_checks),
    description="Phases 3-5 for a range of days: lifespans, reposts, scores, and the data checks.",
)


def board_range_tags(boards: Sequence[str], first_day: date, last_day: date) -> dict[str, str]:
    """Run tags for the rectangle (boards[0]..boards[-1]) x (first_day..last_day).

    `boards` must be contiguous in the dynamic partition order (see `contiguous_runs`).
    """
    return {
        PARTITION_RANGE_START_TAG: str(board_day_key(boards[0], first_day)),
        PARTITION_RANGE_END_TAG: str(board_day_key(boards[-1], last_day)),
    }


def day_range_tags(first_day: date, last_day: date) -> dict[str, str]:
    """Run tags for the daily partitions first_day..last_day."""
    return {
        PARTITION_RANGE_START_TAG: first_day.isoformat(),
        PARTITION_RANGE_END_TAG: last_day.isoformat(),
    }


def contiguous_runs(wanted: Sequence[str], partition_order: Sequence[str]) -> list[list[str]]:
    """Split the wanted boards into runs that are contiguous in the partition order.

    A run covers a range of partition keys, so a selection with holes (some boards disabled or
    not asked for) becomes one range per contiguous stretch.
    """
    wanted_set = set(wanted)
    stretches: list[list[str]] = []
    current: list[str] = []
    for slug in partition_order:
        if slug in wanted_set:
            current.append(slug)
        elif current:
            stretches.append(current)
            current = []
    if current:
        stretches.append(current)
    return stretches
