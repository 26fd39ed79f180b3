"""Phase 5: the daily efficiency score, a thin wrapper over `jobboard_assets.pipeline.history`."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from jobboard_assets.defs.history.assets import (
    DAILY,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    refresh_days,
)
from jobboard_assets.defs.resources import WarehouseResource
from jobboard_assets.defs.surveys.assets import CANDIDATE_SURVEYS, EMPLOYER_SURVEYS
from jobboard_assets.pipeline import history
from jobboard_assets.runs.metadata import phase_metadata

EFFICIENCY_SCORES = AssetKey("efficiency_scores")


@asset(
    key=EFFICIENCY_SCORES,
    deps=[POSTING_LIFESPANS, POSTING_REPOSTS, EMPLOYER_SURVEYS, CANDIDATE_SURVEYS],
    group_name="scores",
    kinds={"polars", "sql"},
    description="Phase 5: the daily efficiency score per board, role family and industry.",
    **DAILY,
)
def efficiency_scores(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> MaterializeResult:
    days = refresh_days(context, warehouse)
    summary = history.update_scores(warehouse.posting_history(days), days)
    return MaterializeResult(metadata=phase_metadata(summary))
