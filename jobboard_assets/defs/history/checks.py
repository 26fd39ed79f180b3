"""Asset checks for what can go wrong in the data.

They are warehouse invariants, evaluated once per day by the history run, and attached to
`posting_lifespans`: the first asset that depends on every board of the day. Attaching them to
the board x day assets would make Dagster enumerate every board x day partition each time a check
is evaluated (it computes the checked asset's data version over all its partitions): 0.25 s per
check at 33 boards x 332 days, growing with every board and every day.
One op evaluates them all in one warehouse session: one step instead of four. The posting checks
look at the postings written in the last `RECENT_WRITES` (every run's writes, by the updated_at
index): over every posting they took 9 s of a day's run on 3 years of 100 boards, and rows
nobody wrote cannot have broken.

The three checks that mean "the data is broken" are blocking: when one fails, the history run's
check step fails and Dagster skips what depends on `posting_lifespans` in that run (the scores
and the analytics), so the previous day's scores stay the ones served. The shrinking-board check
is a warning and blocks nothing. Each reports its count as a number, so its history plots.

They are not partitioned: a history run is a partition range (`BackfillPolicy.single_run`), and
Dagster 1.13 records a check's partition only for runs of a single partition key.
"""

from collections.abc import Iterator
from datetime import timedelta

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    multi_asset_check,
)

from jobboard_assets.lib.names import POSTING_LIFESPANS
from jobboard_assets.lib.resources import WarehouseResource
from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import checks
from jobboard_assets.warehouse.types import utcnow

_CHECKED = POSTING_LIFESPANS
RECENT_WRITES = timedelta(days=2)

NO_DUPLICATE_POSTINGS = AssetCheckSpec(
    "no_duplicate_postings",
    asset=_CHECKED,
    description="No (board, external_id) is stored twice among the postings written in the last "
    "two days (the unique constraint holds it for the others). Blocks the day's scores.",
    blocking=True,
)
NO_NEGATIVE_LIFESPANS = AssetCheckSpec(
    "no_negative_lifespans",
    asset=_CHECKED,
    description="No posting written in the last two days has a negative lifespan (last_seen "
    "before first_seen). Blocks the day's scores.",
    blocking=True,
)
SNAPSHOTS_MATCH_POSTINGS = AssetCheckSpec(
    "snapshots_match_postings",
    asset=_CHECKED,
    description="Each board's latest raw_data_snapshots row agrees with job_postings (listed "
    "and active counts). Blocks the day's scores.",
    blocking=True,
)
NO_SUSPICIOUSLY_SMALL_SCRAPES = AssetCheckSpec(
    "no_suspiciously_small_scrapes",
    asset=_CHECKED,
    description="No board's latest listing is far below its recent median (a half-broken scrape "
    "that slipped past the suspect-scrape rule). A warning, not an error.",
)
_SEVERITY = {NO_SUSPICIOUSLY_SMALL_SCRAPES.name: AssetCheckSeverity.WARN}


@multi_asset_check(
    specs=[
        NO_DUPLICATE_POSTINGS,
        NO_NEGATIVE_LIFESPANS,
        SNAPSHOTS_MATCH_POSTINGS,
        NO_SUSPICIOUSLY_SMALL_SCRAPES,
    ],
    name="warehouse_consistency",
)
def warehouse_consistency(warehouse: WarehouseResource) -> Iterator[AssetCheckResult]:
    written_since = utcnow() - RECENT_WRITES
    with session_scope(warehouse.engine) as session:
        duplicates = checks.duplicate_postings(session, written_since)
        negative = checks.negative_lifespans(session, written_since)
        mismatches = checks.snapshot_mismatches(session)
        shrinking = checks.shrinking_boards(session, min_ratio=SuspectRule.min_ratio)
    # Each check's count, under its own name (what its plot shows), and the culprits.
    outcomes: list[tuple[AssetCheckSpec, str, int, dict[str, MetadataValue]]] = [
        (
            NO_DUPLICATE_POSTINGS,
            "duplicate_postings",
            len(duplicates),
            {"duplicates": MetadataValue.json(duplicates)},
        ),
        (NO_NEGATIVE_LIFESPANS, "negative_lifespans", negative, {}),
        (
            SNAPSHOTS_MATCH_POSTINGS,
            "mismatched_boards",
            len(mismatches),
            {"mismatches": MetadataValue.json(mismatches)},
        ),
        (
            NO_SUSPICIOUSLY_SMALL_SCRAPES,
            "shrinking_boards",
            len(shrinking),
            {"boards": MetadataValue.json(shrinking)},
        ),
    ]
    for spec, count_name, count, details in outcomes:
        yield AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=count == 0,
            metadata={count_name: MetadataValue.int(count), **details},
            severity=_SEVERITY.get(spec.name, AssetCheckSeverity.ERROR),
        )
