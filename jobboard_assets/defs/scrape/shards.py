"""Scale-out: a day's scrape split into one shard per ATS host, each shard a step of its own.

`scrape_boards` runs scrape and snapshot in one step, which one process executes. `scrape_boards_sharded`
does the same work for the same board-day partitions (same tags, same materializations, same
`jobboard run` around it) as one step per host, so an executor that runs steps on other
processes or machines - dagster-celery here, celery-k8s or the k8s job executor elsewhere - can
spread a day over workers. All boards of one host land in the same shard, so one process talks
to each host and the per-host minimum interval of the polite client holds by construction.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

from dagster import (
    AssetMaterialization,
    AssetObservation,
    DynamicOut,
    DynamicOutput,
    OpExecutionContext,
    job,
    op,
)
from dagster_celery import celery_executor

from jobboard_assets.defs.scrape.assets import ScrapeConfig, scrape_board_days
from jobboard_assets.lib.names import SHARDED_SCRAPE_JOB
from jobboard_assets.lib.partitions import board_day_partitions, split_board_day_key
from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.boards import list_boards

UNKNOWN_HOST = "unknown"
"""The shard of board slugs missing from job_boards (each fails alone with a clear message)."""


def shard_name(host: str) -> str:
    """A host as a Dagster mapping key (letters, digits, underscores): `127_0_0_2_8765`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", host) or UNKNOWN_HOST


def shards_by_host(
    partition_keys: Iterable[str], boards: Mapping[str, BoardConfig]
) -> dict[str, list[str]]:
    """The board-day keys grouped by the host (netloc) of their board's URL, keys sorted.

    Two hosts whose names map to the same shard name share a shard: still one process per host.
    """
    shards: dict[str, list[str]] = defaultdict(list)
    for key in partition_keys:
        slug, _day = split_board_day_key(key)
        board = boards.get(slug)
        host = urlsplit(board.url).netloc if board is not None else UNKNOWN_HOST
        shards[shard_name(host)].append(str(key))
    return {name: sorted(keys) for name, keys in sorted(shards.items())}


@op(
    out=DynamicOut(list[str]),
    description="Split the run's board-days into one shard per ATS host.",
)
def plan_scrape_shards(
    context: OpExecutionContext, warehouse: WarehouseResource
) -> Iterator[DynamicOutput[list[str]]]:
    keys = board_day_partitions.get_partition_keys_in_range(
        context.partition_key_range, dynamic_partitions_store=context.instance
    )
    with session_scope(warehouse.engine) as session:
        boards = {board.slug: board for board in list_boards(session)}
    for name, shard in shards_by_host(keys, boards).items():
        yield DynamicOutput(shard, mapping_key=name)


@op(
    out={},
    description="Scrape and snapshot for one host's board-days: scrape, merge, snapshot, each board-day "
    "on its own; fails at the end naming the failed board-days.",
)
def scrape_shard(
    context: OpExecutionContext,
    config: ScrapeConfig,
    shard: list[str],
    warehouse: WarehouseResource,
    sources: BoardSourcesResource,
) -> Iterator[AssetMaterialization | AssetObservation]:
    yield from scrape_board_days(context.log, config, warehouse, sources, shard)


@job(
    name=SHARDED_SCRAPE_JOB,
    partitions_def=board_day_partitions,
    executor_def=celery_executor,
    description="Scrape and snapshot like scrape_boards, one step per ATS host, on Celery workers "
    "(execution config: the broker and backend the workers use).",
)
def scrape_boards_sharded() -> None:
    plan_scrape_shards().map(scrape_shard)
