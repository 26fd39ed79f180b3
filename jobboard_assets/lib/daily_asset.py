"""The shape every daily history asset shares, written once.

Lifespans, reposts and scores and the analytics are daily assets over the whole history: partitioned by day, one
run for a range of days (`BackfillPolicy.single_run`), one history step at a time per instance
(`HISTORY_POOL`), and a body that runs one pipeline phase on the run's refresh days.

What Dagster shows is what the warehouse holds, whatever launched the run: every day the run
wrote is reported materialized, each with that day's own figures. The run's partitions get
their figures through `add_asset_metadata`; the later days the run rewrote (`days_to_refresh`)
get a materialization of their own (docs/history.md "After a backfill").
"""

from collections.abc import Callable, Iterator, Sequence
from datetime import date

from dagster import (
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetsDefinition,
    BackfillPolicy,
    MaterializeResult,
    asset,
)
from sqlalchemy import Table

from jobboard_assets.lib.asset_catalog import OWNERS, code_reference, table_metadata
from jobboard_assets.lib.deadlines import DAILY_DEADLINE
from jobboard_assets.lib.names import HISTORY_POOL
from jobboard_assets.lib.partitions import daily_partitions
from jobboard_assets.lib.resources import WarehouseResource
from jobboard_assets.lib.run_metadata import day_metadata, run_line
from jobboard_assets.pipeline.phase_summary import PhaseSummary
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.pipeline.timeline import days_to_refresh

Phase = Callable[[PostingHistory, list[date]], PhaseSummary]
"""A pipeline phase: the run's shared postings and its refresh days in, what it did out."""


def refresh_days(context: AssetExecutionContext, warehouse: WarehouseResource) -> list[date]:
    """The partition days and, after a backfill of earlier days, the later observed days."""
    return days_to_refresh(
        warehouse.engine, [date.fromisoformat(key) for key in context.partition_keys]
    )


def daily_asset(
    *,
    key: AssetKey,
    deps: Sequence[AssetKey | AssetDep],
    group: str,
    description: str,
    phase: Phase,
    phase_name: str,
    table: Table,
    columns: Sequence[str] = (),
) -> AssetsDefinition:
    """A daily asset whose materialization runs `phase` over the run's refresh days; `table`
    (and `columns`, when it maintains only some) is what it writes, for the catalog."""

    @asset(
        key=key,
        deps=deps,
        group_name=group,
        kinds={"polars", "sql"},
        description=description,
        partitions_def=daily_partitions,
        backfill_policy=BackfillPolicy.single_run(),
        pool=HISTORY_POOL,
        freshness_policy=DAILY_DEADLINE,
        owners=OWNERS,
        tags={"phase": phase_name},
        metadata={**table_metadata(table, columns), **code_reference(phase)},
    )
    def daily(
        context: AssetExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[AssetMaterialization | MaterializeResult]:
        days = refresh_days(context, warehouse)
        summary = phase(warehouse.posting_history(days), days)
        context.log.info(run_line(key.to_user_string(), summary.counts))
        launched = set(context.partition_keys)
        for day, figures in summary.days.items():
            partition = day.isoformat()
            if partition in launched:
                context.add_asset_metadata(day_metadata(figures), partition_key=partition)
            elif daily_partitions.has_partition_key(partition):
                yield AssetMaterialization(key, partition=partition, metadata=day_metadata(figures))
        yield MaterializeResult()

    return daily
