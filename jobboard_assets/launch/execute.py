"""One whole pipeline execution, run in this process on the configured Dagster instance.

This is what `jobboard run` and `jobboard backfill` do: sync the registry, run the scrape job for
the board-days (one run per contiguous stretch of boards, so normally one), then the history job
for the days whatever the scrape's outcome, then mirror both into pipeline_runs. The runs are
ordinary Dagster runs: they show in the UI, no daemon needed, and carry the code location's
origin, so the UI can re-execute them (`located_run.py`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from dagster import (
    DagsterEventType,
    DagsterInstance,
    EventLogEntry,
    RunsFilter,
    reconstructable,
)
from sqlalchemy import Engine

from jobboard_assets.definitions import history_job, scrape_job, sharded_scrape_job
from jobboard_assets.launch import orphans
from jobboard_assets.launch.located_run import execute_located_job
from jobboard_assets.lib import run_mirror
from jobboard_assets.lib.board_partitions import partition_changes
from jobboard_assets.lib.names import (
    BOARD_PARTITIONS,
    BOARD_POSTINGS,
    FAILURE_ERROR,
    SCRAPE_STEP,
    SHARD_OP,
)
from jobboard_assets.lib.partitions import board_partitions
from jobboard_assets.lib.ranges import board_range_tags, contiguous_runs, day_range_tags
from jobboard_assets.lib.tags import EXECUTION_TAG, TRIGGER_TAG
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.boards import sync_boards

Progress = Callable[[str], None]
ScrapeProgress = Callable[[int, int, int], None]
"""(board-days done, of which failed, planned), called while the scrape runs."""

# Keep Dagster's own console logging for warnings; the caller prints the progress.
_QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class SelectionError(ValueError):
    """The boards asked for cannot be run (unknown or disabled)."""


@dataclass(frozen=True)
class ExecutionRequest:
    first_day: date
    last_day: date
    boards: Sequence[str] = ()
    """Board slugs; empty means every enabled board."""
    trigger: str = "cli"
    execution_id: str | None = None
    parallel_boards: int | None = None
    """Boards scraped at once (default: the scrape step's own default)."""
    celery: Mapping[str, Any] | None = None
    """The celery executor's config (broker, backend, config_source): the scrape then runs as
    one shard per ATS host on Celery workers (job `scrape_boards_sharded`). None: in-process."""


def sync_registry(
    instance: DagsterInstance, engine: Engine, registry: Sequence[BoardConfig]
) -> list[str]:
    """Migrate, sync the registry into job_boards and the board partitions; the enabled slugs."""
    migrate.ensure_current(engine)
    with session_scope(engine) as session:
        sync_boards(session, list(registry))
    enabled = [board.slug for board in registry if board.enabled]
    current = board_partitions.get_partition_keys(dynamic_partitions_store=instance)
    to_add, to_delete = partition_changes(current, enabled)
    if to_add:
        instance.add_dynamic_partitions(BOARD_PARTITIONS, to_add)
    for slug in to_delete:
        instance.delete_dynamic_partition(BOARD_PARTITIONS, slug)
    return enabled


def run_execution(
    instance: DagsterInstance,
    engine: Engine,
    registry: Sequence[BoardConfig],
    request: ExecutionRequest,
    progress: Progress = lambda _message: None,
    scrape_progress: ScrapeProgress | None = None,
) -> dict[str, Any]:
    """Run all five phases for the request and return its pipeline_runs row (the contract's run log)."""
    enabled = sync_registry(instance, engine, registry)
    wanted = list(request.boards) or enabled
    unknown = sorted(set(wanted) - set(enabled))
    if unknown:
        raise SelectionError(f"not enabled boards of the registry: {', '.join(unknown)}")
    reaped = orphans.reap_orphaned_runs(instance)
    if reaped:
        progress(f"Marked failed {len(reaped)} run(s) of a jobboard process that died")
        run_mirror.mirror_executions(
            instance, engine, {run_mirror.execution_id_of(instance, r) for r in reaped}
        )
    execution_id = request.execution_id or f"run-{int(time.time() * 1000)}"
    tags = {EXECUTION_TAG: execution_id, TRIGGER_TAG: request.trigger, **orphans.process_tag()}
    order = board_partitions.get_partition_keys(dynamic_partitions_store=instance)
    days = f"{request.first_day}" + (
        f"..{request.last_day}" if request.last_day != request.first_day else ""
    )

    progress(f"Scrape     scrape + snapshot  {len(wanted)} boards x {days}")
    for stretch in contiguous_runs(wanted, order):
        started = time.perf_counter()
        run_tags = {**tags, **board_range_tags(stretch, request.first_day, request.last_day)}
        planned = len(stretch) * ((request.last_day - request.first_day).days + 1)
        with _watching_scrape(instance, run_tags, planned, scrape_progress):
            result = execute_located_job(
                reconstructable(scrape_job if request.celery is None else sharded_scrape_job),
                instance,
                _scrape_run_config(request),
                run_tags,
            )
        done = _count_materialized(instance, result.run_id, "board_postings")
        progress(
            f"           {done}/{planned} board-days applied in {time.perf_counter() - started:.1f}s"
            + ("" if result.success else f", {planned - done} failed")
        )

    # The history run is for the execution's days; the later days it rewrites are reported by
    # its assets, as on every other path (`lib/daily_asset.py`).
    progress("History    lifespans, reposts, scores, analytics")
    started = time.perf_counter()
    result = execute_located_job(
        reconstructable(history_job),
        instance,
        _QUIET,
        {**tags, **day_range_tags(request.first_day, request.last_day)},
    )
    for step, seconds, ok in _step_outcomes(instance, result.run_id):
        progress(f"           {step:<20} {'ok' if ok else 'FAILED'} {seconds:.1f}s")
    progress(f"           done in {time.perf_counter() - started:.1f}s")

    (row,) = run_mirror.mirror_executions(instance, engine, [execution_id])
    return row


def _scrape_run_config(request: ExecutionRequest) -> dict[str, Any]:
    run_config: dict[str, Any] = dict(_QUIET)
    if request.celery is not None:
        run_config["execution"] = {"config": dict(request.celery)}
    if request.parallel_boards is not None:
        step = SCRAPE_STEP if request.celery is None else SHARD_OP
        run_config["ops"] = {step: {"config": {"parallel_boards": request.parallel_boards}}}
    return run_config


@contextmanager
def _watching_scrape(
    instance: DagsterInstance,
    run_tags: dict[str, str],
    planned: int,
    report: ScrapeProgress | None,
    poll_seconds: float = 0.5,
) -> Iterator[None]:
    """Report the scrape run's board-days while it executes, from its stored events.

    The run executes in this thread; a watcher thread reads the run's new events with a cursor
    (materializations count as done, failure observations as done and failed), so following
    the run costs one small query per poll whatever its size.
    """
    if report is None:
        yield
        return
    stop = threading.Event()
    tally = _ScrapeTally()

    def watch() -> None:
        while True:
            stopping = stop.wait(poll_seconds)
            tally.read_new(instance, run_tags)
            report(tally.done, tally.failed, planned)
            if stopping:
                return

    watcher = threading.Thread(target=watch, name="scrape-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


@dataclass
class _ScrapeTally:
    """Board-days of one scrape run counted so far, and where reading its events stopped."""

    run_id: str | None = None
    cursor: str | None = None
    done: int = 0
    failed: int = 0

    def read_new(self, instance: DagsterInstance, run_tags: dict[str, str]) -> None:
        if self.run_id is None:
            runs = instance.get_runs(RunsFilter(tags=run_tags), limit=1)
            if not runs:
                return
            self.run_id = runs[0].run_id
        kinds = {DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_OBSERVATION}
        while True:
            page = instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=kinds)
            self.cursor = page.cursor
            for record in page.records:
                self._count(record.event_log_entry)
            if not page.has_more:
                return

    def _count(self, entry: EventLogEntry) -> None:
        materialized = entry.asset_materialization
        if materialized is not None and materialized.asset_key == BOARD_POSTINGS:
            self.done += 1
        observed = entry.asset_observation
        if observed is not None and FAILURE_ERROR in observed.metadata:
            self.done += 1
            self.failed += 1


def _count_materialized(instance: DagsterInstance, run_id: str, asset: str) -> int:
    events = instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
    return sum(
        1
        for event in events
        if event.asset_materialization
        and event.asset_materialization.asset_key.to_user_string() == asset
    )


def _step_outcomes(instance: DagsterInstance, run_id: str) -> list[tuple[str, float, bool]]:
    """(step, seconds, succeeded) for each step of a run, in order."""
    events = instance.all_logs(
        run_id,
        of_type={
            DagsterEventType.STEP_START,
            DagsterEventType.STEP_SUCCESS,
            DagsterEventType.STEP_FAILURE,
        },
    )
    starts: dict[str, float] = {}
    outcomes = []
    for event in events:
        if event.step_key is None:  # step events always name their step
            continue
        if event.dagster_event_type == DagsterEventType.STEP_START:
            starts[event.step_key] = event.timestamp
        else:
            ok = event.dagster_event_type == DagsterEventType.STEP_SUCCESS
            outcomes.append(
                (event.step_key, event.timestamp - starts.get(event.step_key, event.timestamp), ok)
            )
    return outcomes
