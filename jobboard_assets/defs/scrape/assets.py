"""Scrape and snapshot of the contract's five, the board-day scrape: thin wrappers over `pipeline`.

Scrape and snapshot (`board_postings`, `raw_data_snapshots`) are partitioned by board x day and computed
in one step per run, so a day of 33 boards is one run, not 33. Each board-day is its own
transaction and its own materialization: a failing board fails only its own partitions (the step
fails at the end, listing them), and the others are materialized. Lifespans, reposts and scores (`defs/history/`,
`defs/scores/`) are daily and run over the whole history, in a separate run that is launched
also when some boards failed.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date

from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    AssetObservation,
    AssetSpec,
    BackfillPolicy,
    Config,
    DagsterLogManager,
    Failure,
    MetadataValue,
    multi_asset,
)

from jobboard_assets.lib.asset_catalog import OWNERS, ROW_COUNT, code_reference, table_metadata
from jobboard_assets.lib.deadlines import DAILY_DEADLINE
from jobboard_assets.lib.names import (
    BOARD_POSTINGS,
    FAILURE_ERROR,
    RAW_DATA_SNAPSHOTS,
    SCRAPE_POOL,
)
from jobboard_assets.lib.partitions import (
    board_day_key,
    board_day_partitions,
    split_board_day_key,
)
from jobboard_assets.lib.redact import mask_credentials
from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import (
    PARALLEL_BOARDS,
    BoardDayOutcome,
    process_board_day,
    process_board_days,
    snapshot_row,
)
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobPosting, RawDataSnapshot
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, list_boards


class ScrapeConfig(Config):
    """Knobs of the scrape a person may change for one run in the launchpad."""

    suspect_min_ratio: float = SuspectRule.min_ratio
    """A listing smaller than this share of a neighbour observed day's listing is not believed."""
    suspect_min_active: int = SuspectRule.min_active
    """The ratio and id rules apply against neighbour days listing at least this many."""
    parallel_boards: int = PARALLEL_BOARDS
    """Boards scraped at once (requests to one host stay spaced by its minimum interval)."""


@multi_asset(
    specs=[
        AssetSpec(
            BOARD_POSTINGS,
            description="Scrape: every posting a board lists on a day, merged into job_postings "
            "(first_seen, last_seen, disappearances, reappearances).",
            skippable=True,
            group_name="scrape",
            kinds={"python", "sql"},
            freshness_policy=DAILY_DEADLINE,
            owners=OWNERS,
            tags={"phase": "scrape"},
            metadata={**table_metadata(JobPosting.__table__), **code_reference(process_board_day)},
        ),
        AssetSpec(
            RAW_DATA_SNAPSHOTS,
            description="Snapshot: one row per board per day in raw_data_snapshots, with the "
            "day's counts and the full listing.",
            deps=[BOARD_POSTINGS],
            skippable=True,
            group_name="scrape",
            kinds={"sql"},
            freshness_policy=DAILY_DEADLINE,
            owners=OWNERS,
            tags={"phase": "snapshot"},
            metadata={
                **table_metadata(RawDataSnapshot.__table__),
                **code_reference(snapshot_row),
            },
        ),
    ],
    partitions_def=board_day_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    pool=SCRAPE_POOL,
)
def scrape_and_snapshot(
    context: AssetExecutionContext,
    config: ScrapeConfig,
    warehouse: WarehouseResource,
    sources: BoardSourcesResource,
) -> Iterator[AssetMaterialization | AssetObservation]:
    """Scrape, merge and snapshot every board-day of the run, each board-day on its own."""
    yield from scrape_board_days(context.log, config, warehouse, sources, context.partition_keys)


def scrape_board_days(
    log: DagsterLogManager,
    config: ScrapeConfig,
    warehouse: WarehouseResource,
    sources: BoardSourcesResource,
    partition_keys: Sequence[str],
) -> Iterator[AssetMaterialization | AssetObservation]:
    """Scrape and snapshot for these board-day keys: the body of a scrape step, in-process or a shard.

    Yields one materialization per board-day and asset and one observation per failed board-day
    (its error: what `jobboard run`'s progress counts); raises `Failure` at the end naming the
    failed board-days (their errors in the `errors` metadata, which the run mirror reads).
    """
    rule = SuspectRule(min_ratio=config.suspect_min_ratio, min_active=config.suspect_min_active)
    days_by_board: dict[str, list[date]] = defaultdict(list)
    for key in partition_keys:
        slug, day = split_board_day_key(key)
        days_by_board[slug].append(day)

    with session_scope(warehouse.engine) as session:
        boards = {board.slug: board for board in list_boards(session)}
        board_ids = board_ids_by_slug(session)
    errors: dict[str, str] = {}
    with sources.client() as client, ThreadPoolExecutor(config.parallel_boards) as pool:
        # Boards are independent: fetch them concurrently (the client keeps per-host politeness);
        # each board's days run in order in one worker, each day its own transaction.
        runs = [
            pool.submit(
                process_board_days,
                warehouse.engine,
                board_ids.get(slug),
                boards.get(slug),
                slug,
                sorted(days),
                client,
                rule,
            )
            for slug, days in sorted(days_by_board.items())
        ]
        applied = 0
        for finished in as_completed(runs):
            outcomes, failures = finished.result()
            for outcome in outcomes:
                # The counts go into each partition's metadata, not into log lines: every log
                # line is one more stored event (tens of ms each on a SQLite instance).
                yield from _materializations(
                    str(board_day_key(outcome.board, outcome.day)), outcome
                )
            applied += len(outcomes)
            for failure in failures:
                key = str(board_day_key(failure.board, failure.day))
                errors[key] = mask_credentials(str(failure))  # a URL in it may carry a password
                log.error(errors[key])
                # One event per failure (never per success): `jobboard run` counts these live.
                yield AssetObservation(
                    BOARD_POSTINGS,
                    partition=key,
                    metadata={FAILURE_ERROR: errors[key]},
                )
    log.info(f"{applied} board-day(s) applied, {len(errors)} failed")
    if errors:
        raise Failure(
            description=f"{len(errors)} board-day(s) failed (gaps: they close nothing); the others "
            "were applied:\n" + "\n".join(errors.values()),
            metadata={"errors": MetadataValue.json(errors)},
        )


def _materializations(key: str, outcome: BoardDayOutcome) -> Iterator[AssetMaterialization]:
    """One materialization per board-day and per asset, with what a person wants to see."""
    counts = {
        "scraped": outcome.scraped,
        "new": outcome.new,
        "disappeared": outcome.disappeared,
        "reappeared": outcome.reappeared,
        "active": outcome.active,
        "rows_changed": outcome.changed,
        "skipped_unusable": outcome.skipped,
    }
    yield AssetMaterialization(
        BOARD_POSTINGS,
        partition=key,
        metadata={
            **counts,
            ROW_COUNT: outcome.scraped,  # the postings the board listed that day
            "pages": outcome.pages,
            "bytes_read": outcome.bytes_read,
            "fetch_seconds": outcome.fetch_seconds,
            "write_seconds": outcome.write_seconds,
            "result": MetadataValue.json(outcome.as_result()),
        },
    )
    yield AssetMaterialization(
        RAW_DATA_SNAPSHOTS,
        partition=key,
        metadata={
            ROW_COUNT: 1,  # one snapshot row per board-day
            "posting_count": outcome.scraped,
            "new_postings": outcome.new,
            "active_postings": outcome.active,
            "disappeared_postings": outcome.disappeared,
        },
    )
