"""All partition definitions: postings are partitioned by board and by day.

The day is the day the board was observed (a tick at 02:00 UTC scrapes that same day), so the
daily dimension includes today (`end_offset=1`). The board dimension is dynamic and follows the
enabled boards of `job_boards` (kept in sync by the `board_registry_sensor`).
"""

from __future__ import annotations

from datetime import date

from dagster import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    MultiPartitionKey,
    MultiPartitionsDefinition,
    MultiToSingleDimensionPartitionMapping,
)

from jobboard_assets import config
from jobboard_assets.lib.names import BOARD_PARTITIONS

BOARD_DIMENSION = "board"
DATE_DIMENSION = "date"

daily_partitions = DailyPartitionsDefinition(
    start_date=config.start_date().isoformat(),  # read as the definitions load: see config.py
    timezone="UTC",
    end_offset=1,
)
board_partitions = DynamicPartitionsDefinition(name=BOARD_PARTITIONS)
board_day_partitions = MultiPartitionsDefinition(
    {DATE_DIMENSION: daily_partitions, BOARD_DIMENSION: board_partitions}
)

# A day's downstream phases depend on that day's partitions of every board.
all_boards_of_the_day = MultiToSingleDimensionPartitionMapping(
    partition_dimension_name=DATE_DIMENSION
)


def board_day_key(board_slug: str, day: date) -> MultiPartitionKey:
    """The partition key of one board on one day."""
    return MultiPartitionKey({BOARD_DIMENSION: board_slug, DATE_DIMENSION: day.isoformat()})


def split_board_day_key(key: str | MultiPartitionKey) -> tuple[str, date]:
    """(board slug, day) of a board-day partition key such as `acme|2026-01-05`."""
    if not isinstance(key, MultiPartitionKey):
        key = board_day_partitions.get_partition_key_from_str(key)
    dims = key.keys_by_dimension
    return dims[BOARD_DIMENSION], date.fromisoformat(dims[DATE_DIMENSION])
