"""Partition ranges of runs: the tags saying which board-days or days a run covers, and the
stretches of boards one run can cover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from jobboard_assets.lib.partitions import board_day_key
from jobboard_assets.lib.tags import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG


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
