"""Day 9 and day 10's analytics as daily assets: thin wrappers over `pipeline.analytics`.

They sit beside the phases they describe (lifespans after phase 3, repost frequency after phase
4) in the daily history run, and store per board and per role family what the history looked
like on each partition day, which the views `board_lifespan_stats`,
`role_family_lifespan_stats` and `board_repost_frequency_stats` read.
"""

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, asset

from jobboard_assets.defs.history.assets import (
    HISTORY_POOL,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    refresh_days,
)
from jobboard_assets.defs.partitions import daily_partitions
from jobboard_assets.defs.resources import WarehouseResource
from jobboard_assets.pipeline import analytics
from jobboard_assets.runs.metadata import phase_metadata

LIFESPAN_METRICS = AssetKey("lifespan_metrics")
REPOST_FREQUENCY = AssetKey("repost_frequency")


@asset(
    key=LIFESPAN_METRICS,
    deps=[POSTING_LIFESPANS],
    group_name="analytics",
    kinds={"polars", "sql"},
    description="Day 9: lifespan statistics (closed postings, Kaplan-Meier median, ages of open "
    "postings) and the lifespan buckets, per board and per role family, as of each day.",
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool=HISTORY_POOL,
)
def lifespan_metrics(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    days = refresh_days(context, warehouse)
    summary = analytics.update_lifespan_metrics(warehouse.posting_history(days), days)
    return MaterializeResult(metadata=phase_metadata(summary))


@asset(
    key=REPOST_FREQUENCY,
    deps=[POSTING_REPOSTS],
    group_name="analytics",
    kinds={"polars", "sql"},
    description="Day 10: repost frequency (reposts, clusters, rate, median gap, chronic clusters, "
    "flagged) per board and per role family, as of each day.",
    partitions_def=daily_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool=HISTORY_POOL,
)
def repost_frequency(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    days = refresh_days(context, warehouse)
    summary = analytics.update_repost_frequency(warehouse.posting_history(days), days)
    return MaterializeResult(metadata=phase_metadata(summary))
