"""Asset checks for what can go wrong in the data."""

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from jobboard_assets.defs.assets import (
    BOARD_POSTINGS,
    RAW_DATA_SNAPSHOTS,
    posting_lifespans,
)
from jobboard_assets.defs.resources import WarehouseResource
from jobboard_assets.pipeline.merge import SuspectRule
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import checks


@asset_check(asset=BOARD_POSTINGS, description="No (board, external_id) is stored twice.")
def no_duplicate_postings(warehouse: WarehouseResource) -> AssetCheckResult:
    with session_scope(warehouse.engine) as session:
        duplicates = checks.duplicate_postings(session)
    return AssetCheckResult(
        passed=not duplicates, metadata={"duplicates": MetadataValue.json(duplicates)}
    )


@asset_check(asset=posting_lifespans, description="No posting has a negative lifespan.")
def no_negative_lifespans(warehouse: WarehouseResource) -> AssetCheckResult:
    with session_scope(warehouse.engine) as session:
        negative = checks.negative_lifespans(session)
    return AssetCheckResult(passed=negative == 0, metadata={"negative_lifespans": negative})


@asset_check(
    asset=RAW_DATA_SNAPSHOTS,
    description="Each board's latest snapshot agrees with job_postings (listed and active counts).",
)
def snapshots_match_postings(warehouse: WarehouseResource) -> AssetCheckResult:
    with session_scope(warehouse.engine) as session:
        mismatches = checks.snapshot_mismatches(session)
    return AssetCheckResult(
        passed=not mismatches, metadata={"mismatches": MetadataValue.json(mismatches)}
    )


@asset_check(
    asset=RAW_DATA_SNAPSHOTS,
    description="No board's latest listing is far below its recent median (a half-broken scrape "
    "that slipped past the suspect-scrape rule).",
)
def no_suspiciously_small_scrapes(warehouse: WarehouseResource) -> AssetCheckResult:
    with session_scope(warehouse.engine) as session:
        flagged = checks.shrinking_boards(session, min_ratio=SuspectRule.min_ratio)
    return AssetCheckResult(
        passed=not flagged,
        severity=AssetCheckSeverity.WARN,
        metadata={"boards": MetadataValue.json(flagged)},
    )


asset_checks = [
    no_duplicate_postings,
    no_negative_lifespans,
    snapshots_match_postings,
    no_suspiciously_small_scrapes,
]
