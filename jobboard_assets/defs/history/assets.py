"""Phases 3-4: lifespans and repost clusters, daily, over the whole history.

Each day's partition depends on that day's partition of every board, and its run is launched
also when some boards failed (`history_after_scrape_sensor`). Phase 5 and the analytics
(`defs/scores/`) are daily in the same way and share `DAILY`.
"""

from datetime import date
from typing import TypedDict

from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    DailyPartitionsDefinition,
    MaterializeResult,
    asset,
)

from jobboard_assets.defs.partitions import all_boards_of_the_day, daily_partitions
from jobboard_assets.defs.resources import WarehouseResource
from jobboard_assets.defs.scrape.assets import BOARD_POSTINGS
from jobboard_assets.pipeline import history
from jobboard_assets.runs.metadata import phase_metadata

POSTING_LIFESPANS = AssetKey("posting_lifespans")
POSTING_REPOSTS = AssetKey("posting_reposts")
HISTORY_POOL = "history_writes"
"""One history step at a time per instance: phases 3-5 and the analytics replace whole days."""


# Two history runs at once (two `jobboard run`, a re-run beside the schedule) would both replace
# a day's rows: their steps take turns in this pool (limit 1 in every instance yaml).
class DailyArgs(TypedDict):
    """The partitioning, backfill policy and pool every daily asset shares."""

    partitions_def: DailyPartitionsDefinition
    backfill_policy: BackfillPolicy
    pool: str


DAILY: DailyArgs = {
    "partitions_def": daily_partitions,
    "backfill_policy": BackfillPolicy.single_run(),
    "pool": HISTORY_POOL,
}


def refresh_days(context: AssetExecutionContext, warehouse: WarehouseResource) -> list[date]:
    """The partition days and, after a backfill of earlier days, the later observed days."""
    return history.days_to_refresh(
        warehouse.engine, [date.fromisoformat(key) for key in context.partition_keys]
    )


_AFTER_ALL_BOARDS = AssetDep(BOARD_POSTINGS, partition_mapping=all_boards_of_the_day)


@asset(
    key=POSTING_LIFESPANS,
    deps=[_AFTER_ALL_BOARDS],
    group_name="history",
    kinds={"polars", "sql"},
    description="Phase 3: lifespan_days = last_seen - first_seen where the days changed it.",
    **DAILY,
)
def posting_lifespans(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    summary = history.update_lifespans(warehouse.posting_history(refresh_days(context, warehouse)))
    return MaterializeResult(metadata=phase_metadata(summary))


@asset(
    key=POSTING_REPOSTS,
    deps=[_AFTER_ALL_BOARDS],
    group_name="history",
    kinds={"polars", "sql"},
    description="Phase 4: repost clusters within each board (repost_cluster_id, repost_count).",
    **DAILY,
)
def posting_reposts(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    days = refresh_days(context, warehouse)
    summary = history.update_reposts(warehouse.posting_history(days), days)
    return MaterializeResult(metadata=phase_metadata(summary))
