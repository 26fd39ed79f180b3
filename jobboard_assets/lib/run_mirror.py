"""Mirror Dagster runs into the contract's `pipeline_runs` / `pipeline_jobs`.

One pipeline execution (one `pipeline_runs` row) is every run sharing the `jobboard/execution`
tag (a schedule tick, a `jobboard run`, an API call), every run of one Dagster backfill, or else a
lone run (a manual materialization from the UI or `dagster asset materialize`). Its jobs are the
contract's: one `scrape` and one `normalize` job per board-day, one `lifespan`, `repost` and `score`
job per history step. Everything is derived from the runs' event logs and written with upserts
keyed on deterministic ids, so mirroring the same runs twice writes nothing twice.

A re-execution from the UI and a run retried by Dagster copy their parent's tags, so they join
the parent's execution: there a later attempt at the same job (same type, board-day or day range,
step) replaces the earlier one, in `jobs` and in the same `pipeline_jobs` row, and the error of
a run whose work was all redone is dropped. A cancelled run ends its execution as `failed` with
"canceled" in its errors (the contract's four statuses, so the contract's views stay right; see
docs/run-records.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    EventLogEntry,
    RunRecord,
    RunsFilter,
)
from sqlalchemy import Engine

from jobboard_assets.lib.names import (
    BOARD_POSTINGS,
    HISTORY_JOB,
    RAW_DATA_SNAPSHOTS,
    SCRAPE_JOBS,
    SCRAPE_STEP,
    SHARD_OP,
)
from jobboard_assets.lib.partitions import board_day_partitions, split_board_day_key
from jobboard_assets.lib.redact import mask_credentials
from jobboard_assets.lib.tags import (
    BACKFILL_TAG,
    CHAIN_METRICS_TAG,
    EXECUTION_TAG,
    PARENT_RUN_TAG,
    PARTITION_RANGE_END_TAG,
    PARTITION_RANGE_START_TAG,
    PARTITION_TAG,
    ROOT_RUN_TAG,
    TRIGGER_TAG,
)
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, list_boards

_JOB_ID_NAMESPACE = uuid.UUID("5d0c4b1e-8a8f-4c57-9a51-0b6f7f3e2a10")
# History steps as the contract's job types: the lifespan and repost analytics are lifespan and
# repost work, and so is linking the same job across boards.
_HISTORY_JOB_TYPES = {
    "posting_lifespans": "lifespan",
    "posting_reposts": "repost",
    "efficiency_scores": "score",
    "lifespan_metrics": "lifespan",
    "repost_frequency": "repost",
    "cross_board_jobs": "repost",
}
_OUR_ASSETS = {
    BOARD_POSTINGS.to_user_string(),
    RAW_DATA_SNAPSHOTS.to_user_string(),
    *_HISTORY_JOB_TYPES,
}
_FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
_EVENTS = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.ASSET_MATERIALIZATION,
}


def execution_id_of(instance: DagsterInstance, run: DagsterRun) -> str:
    """The pipeline_runs.run_id a Dagster run belongs to: a re-execution or retry belongs to its
    root run's execution, whatever tags it carries (Dagster names the root in
    `dagster/root_run_id`; the UI's "Re-execute" of a backfill's run does not copy the backfill's
    tag)."""
    root_id = run.tags.get(ROOT_RUN_TAG)
    root = instance.get_run_by_id(root_id) if root_id and root_id != run.run_id else None
    return _own_execution_id(root or run)


def _own_execution_id(run: DagsterRun) -> str:
    if EXECUTION_TAG in run.tags:
        return run.tags[EXECUTION_TAG]
    if BACKFILL_TAG in run.tags:
        return f"backfill-{run.tags[BACKFILL_TAG]}"
    return f"dagster-{run.run_id}"


def is_ours(run: DagsterRun) -> bool:
    """Runs of this code location: our jobs, our tags, or a selection of our assets."""
    if run.job_name in (*SCRAPE_JOBS, HISTORY_JOB) or EXECUTION_TAG in run.tags:
        return True
    selected = {key.to_user_string() for key in (run.asset_selection or ())}
    return bool(selected & _OUR_ASSETS)


def runs_of_execution(instance: DagsterInstance, execution_id: str) -> list[DagsterRun]:
    """The execution's own runs and every re-execution or retry of them."""
    runs: Sequence[DagsterRun]
    if execution_id.startswith("dagster-"):
        run = instance.get_run_by_id(execution_id.removeprefix("dagster-"))
        runs = [run] if run else []
    elif execution_id.startswith("backfill-"):
        runs = instance.get_runs(
            RunsFilter(tags={BACKFILL_TAG: execution_id.removeprefix("backfill-")})
        )
    else:
        runs = instance.get_runs(RunsFilter(tags={EXECUTION_TAG: execution_id}))
    roots = [run.run_id for run in runs if ROOT_RUN_TAG not in run.tags]
    redone = instance.get_runs(RunsFilter(tags={ROOT_RUN_TAG: roots})) if roots else []
    unique = {run.run_id: run for run in [*runs, *redone]}
    return [run for run in unique.values() if is_ours(run)]


@dataclass
class _BoardNames:
    ids: dict[str, int]
    names: dict[str, str]


class _BoardFields(TypedDict):
    """A board-day job's board, as `_job` takes it."""

    boardId: int | None
    boardName: str | None
    board: str | None


def mirror_executions(
    instance: DagsterInstance, engine: Engine, execution_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """Recompute and upsert the pipeline_runs rows (and their jobs) of these executions."""
    with session_scope(engine) as session:
        boards = _BoardNames(
            ids=board_ids_by_slug(session),
            names={board.slug: board.name for board in list_boards(session)},
        )
    mirrored = []
    for execution_id in sorted(set(execution_ids)):
        runs = runs_of_execution(instance, execution_id)
        if not runs:
            continue
        row = _execution_row(instance, execution_id, runs, boards)
        with session_scope(engine) as session:
            pipeline_queries.upsert_pipeline_run(session, row)
            pipeline_queries.upsert_pipeline_jobs(session, row["_job_rows"])
            pipeline_queries.delete_other_jobs(
                session, execution_id, [job["id"] for job in row["_job_rows"]]
            )
        mirrored.append(row)
    return mirrored


def _execution_row(
    instance: DagsterInstance, execution_id: str, runs: Sequence[DagsterRun], boards: _BoardNames
) -> dict[str, Any]:
    records = {
        record.dagster_run.run_id: record
        for record in instance.get_run_records(RunsFilter(run_ids=[run.run_id for run in runs]))
    }
    ordered = sorted(runs, key=lambda r: records[r.run_id].create_timestamp)
    latest: dict[tuple[str, str | None, str], dict[str, Any]] = {}
    run_errors: dict[str, str] = {}
    with_jobs: set[str] = set()
    for run in ordered:
        run_jobs, run_error = _jobs_of_run(instance, run, boards, _end_of(records[run.run_id]))
        if run_jobs:
            with_jobs.add(run.run_id)
        for job in run_jobs:
            latest[_job_key(job)] = job  # a later attempt at the same job replaces the earlier
        if run_error:
            run_errors[run.run_id] = run_error
    jobs = list(latest.values())
    for job in jobs:
        job_type, partition, step = _job_key(job)
        key = f"{execution_id}:{step}:{job_type}:{partition}"
        job["id"] = str(uuid.uuid5(_JOB_ID_NAMESPACE, key))
    redone = _redone_runs(ordered, jobs, with_jobs)
    errors_of_runs = [
        run_errors[r.run_id] for r in ordered if r.run_id in run_errors and r.run_id not in redone
    ]

    finished = all(run.status in _FINISHED for run in runs)
    awaiting_history = _awaiting_history(ordered, records, redone)
    completed = sum(job["status"] == "completed" for job in jobs)
    failed = sum(job["status"] == "failed" for job in jobs)
    current = [run for run in ordered if run.run_id not in redone]
    if not finished or awaiting_history:
        status = "running"
    elif not jobs:
        status = (
            "completed"
            if all(run.status == DagsterRunStatus.SUCCESS for run in current)
            else "failed"
        )
    elif completed == len(jobs):
        # Every job done but a run still failed (e.g. after its last board-day): not a success.
        status = "partial" if errors_of_runs else "completed"
    elif failed == len(jobs):
        status = "failed"
    else:
        status = "partial"

    spans = [
        (
            records[run.run_id].start_time or records[run.run_id].create_timestamp.timestamp(),
            _end_of(records[run.run_id]),
        )
        for run in runs
    ]
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    errors = list(dict.fromkeys(mask_credentials(error) for error in errors_of_runs))
    unapplied = [job for job in jobs if job.get("_unapplied")]
    if unapplied:
        errors.append(unapplied_summary([job["partitionKey"] for job in unapplied]))
    errors += [
        job["error"]
        for job in jobs
        if job["error"] and not job.get("_unapplied") and job["error"] not in errors
    ]
    return {
        "run_id": execution_id,
        "status": status,
        "start_time": _utc(min(starts)),
        "end_time": _utc(max(ends)) if status != "running" else None,
        "worked_seconds": round(worked_seconds(spans), 3) if status != "running" else None,
        "total_jobs": len(jobs),
        "completed_jobs": completed,
        "failed_jobs": failed,
        "jobs": [{k: v for k, v in job.items() if not k.startswith("_")} for job in jobs],
        "errors": errors,
        "trigger": _trigger_of(ordered),
        "dagster_run_ids": [run.run_id for run in ordered],
        "_job_rows": [_job_row(execution_id, job) for job in jobs],
    }


UNAPPLIED_EXAMPLES = 3


def unapplied_summary(board_days: Sequence[str]) -> str:
    """The board-days a stopped run left unapplied, as a count and a few examples (each job
    keeps its own line in `jobs`)."""
    examples = ", ".join(sorted(board_days)[:UNAPPLIED_EXAMPLES])
    more = len(board_days) - UNAPPLIED_EXAMPLES
    return f"{len(board_days)} board-day(s) not applied: {examples}" + (
        f" and {more} more" if more > 0 else ""
    )


def worked_seconds(spans: Sequence[tuple[float, float]]) -> float:
    """How long any of the runs was working: their (start, end) spans merged, the gaps between a
    failure and its repair left out."""
    worked, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            worked += end - max(start, reach)
            reach = end
    return worked


def _end_of(record: RunRecord) -> float:
    """When the run ended; one cancelled or failed before it started has no end_time, it ended
    when it was last updated."""
    return record.end_time or record.update_timestamp.timestamp()


def _job_key(job: dict[str, Any]) -> tuple[str, str | None, str]:
    """What makes two jobs of an execution attempts at the same work."""
    return job["jobType"], job["partitionKey"], job["_step"]


def _redone_runs(
    runs: Sequence[DagsterRun], jobs: Sequence[dict[str, Any]], with_jobs: set[str]
) -> set[str]:
    """Runs whose attempt no longer counts: re-executed or retried (a later run names them as
    its parent), or every job they had was attempted again by a later run."""
    parents = {run.tags[PARENT_RUN_TAG] for run in runs if PARENT_RUN_TAG in run.tags}
    counted = {job["dagsterRunId"] for job in jobs}
    return {
        run.run_id
        for run in runs
        if run.run_id in parents or (run.run_id in with_jobs and run.run_id not in counted)
    }


def chains_history(record: RunRecord) -> bool:
    """A scrape run the history sensor follows with the day's history run: it ran and finished,
    failed boards or not (not cancelled, not one that never started), and it is tagged so (the
    schedule's, Run Now's) or it re-executes a run of an execution (a `jobboard run` day repaired
    from the UI: the process that ran the first history run is gone)."""
    run = record.dagster_run
    chained = run.tags.get(CHAIN_METRICS_TAG) == "true" or (
        ROOT_RUN_TAG in run.tags and EXECUTION_TAG in run.tags
    )
    return (
        run.job_name in SCRAPE_JOBS
        and chained
        and run.status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE)
        and record.start_time is not None
    )


def _awaiting_history(
    runs: Sequence[DagsterRun], records: dict[str, RunRecord], redone: set[str]
) -> bool:
    """A chained scrape run with no history run launched after it: the history sensor is about
    to launch one (one per scrape run, re-executions included)."""
    history_created = [
        records[run.run_id].create_timestamp for run in runs if run.job_name == HISTORY_JOB
    ]
    return any(
        chains_history(records[run.run_id])
        and run.run_id not in redone
        and not any(created > records[run.run_id].create_timestamp for created in history_created)
        for run in runs
    )


def _jobs_of_run(
    instance: DagsterInstance, run: DagsterRun, boards: _BoardNames, ended: float
) -> tuple[list[dict[str, Any]], str | None]:
    """The contract's jobs of one Dagster run, and the run's own error when it failed outside a job.

    A job failed because its run ended (cancelled, killed, never started) completes when the run
    ended, so the contract's views count it."""
    events = instance.all_logs(run.run_id, of_type=_EVENTS)
    step_starts = {
        e.step_key: e.timestamp
        for e in events
        if e.dagster_event_type == DagsterEventType.STEP_START
    }
    failures = {
        e.step_key: e for e in events if e.dagster_event_type == DagsterEventType.STEP_FAILURE
    }
    successes = {
        e.step_key: e for e in events if e.dagster_event_type == DagsterEventType.STEP_SUCCESS
    }
    materializations = [
        e for e in events if e.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION
    ]
    run_failed = run.status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
    run_error = _run_failure_message(instance, run) if run_failed else None

    jobs: list[dict[str, Any]] = []
    board_days = _planned_board_days(instance, run)
    if board_days:
        jobs += _board_day_jobs(
            run, board_days, materializations, failures, step_starts, run_error, boards, ended
        )
    for step_key, job_type in _HISTORY_JOB_TYPES.items():
        if step_key not in step_starts and not (step_key in _selected_steps(run) and run_failed):
            continue
        failure = failures.get(step_key)
        success = successes.get(step_key)
        materialization = _newest_day(materializations, step_key)
        status, error = _status(success is not None, failure, run, run_error)
        finished = success or failure
        jobs.append(
            _job(
                run,
                job_type,
                status,
                started=step_starts.get(step_key),
                completed=finished.timestamp if finished else ended,
                result=_metadata_values(materialization) if materialization else None,
                error=error,
                partition=run.tags.get(PARTITION_TAG) or _range_label(run),
                step=step_key,
            )
        )
    accounted = run_error and any(job["error"] == run_error for job in jobs)
    return jobs, None if accounted else run_error


def _newest_day(materializations: list[EventLogEntry], asset: str) -> EventLogEntry | None:
    """The asset's materialization of the newest day the run wrote: a history job's result is
    the history as it stands after the run (each day's own figures are on its partition)."""
    return max(
        (
            e
            for e in materializations
            if e.asset_materialization
            and e.asset_materialization.asset_key.to_user_string() == asset
        ),
        key=lambda e: str(e.asset_materialization.partition if e.asset_materialization else ""),
        default=None,
    )


def _board_day_jobs(
    run: DagsterRun,
    board_days: list[str],
    materializations: list[EventLogEntry],
    failures: dict[str | None, EventLogEntry],
    step_starts: dict[str | None, float],
    run_error: str | None,
    boards: _BoardNames,
    ended: float,
) -> list[dict[str, Any]]:
    """scrape + normalize jobs for each board-day the run planned."""
    done: dict[tuple[str, str], EventLogEntry] = {}
    for event in materializations:
        materialization = event.asset_materialization
        if materialization and materialization.partition:
            done[(materialization.asset_key.to_user_string(), materialization.partition)] = event
    # One scrape step (scrape_boards) or one per host shard (scrape_boards_sharded).
    scrape_failures = [event for key, event in failures.items() if _is_scrape_step(key)]
    failure = scrape_failures[0] if scrape_failures else None
    partition_errors: dict[str, str] = {}
    for event in scrape_failures:
        data = event.dagster_event.step_failure_data if event.dagster_event else None
        metadata = (
            data.user_failure_data.metadata if data and data.user_failure_data else {}
        ) or {}
        errors = metadata["errors"].value if "errors" in metadata else None
        if isinstance(errors, dict):  # board-day key -> error, as scrape_board_days fails
            partition_errors.update({str(key): str(text) for key, text in errors.items()})
    # The step died of something else than its board-days (e.g. the database went away while
    # Dagster stored an event): that error, not the run's "steps failed", says why.
    # A cancelled run's step dies of Dagster's interruption: the run's reason says what happened.
    cancelled = run.status == DagsterRunStatus.CANCELED
    cause = (
        _step_error(failure)
        if failure is not None and not partition_errors and not cancelled
        else run_error
    )
    started = min(
        (start for key, start in step_starts.items() if _is_scrape_step(key)), default=None
    )
    jobs = []
    unapplied: set[str] = set()
    previous = started
    for key in board_days:
        slug, day = split_board_day_key(key)
        scraped = done.get((BOARD_POSTINGS.to_user_string(), key))
        if scraped is not None:
            status, error = "completed", None
        elif key in partition_errors:
            status, error = "failed", partition_errors[key]
        elif run.status in _FINISHED:
            status = "failed"
            error = f"board '{slug}' {day}: not applied ({cause or 'an earlier day of this board failed'})"
            if cause is not None:
                unapplied.add(key)
        else:
            status, error = ("running" if started else "pending"), None
        completed_at = (
            scraped.timestamp
            if scraped
            else ((failure.timestamp if failure else ended) if status == "failed" else None)
        )
        board: _BoardFields = {
            "boardId": boards.ids.get(slug),
            "boardName": boards.names.get(slug, slug),
            "board": slug,
        }
        jobs.append(
            _job(
                run,
                "scrape",
                status,
                started=previous if scraped else started,
                completed=completed_at,
                result=_metadata_values(scraped).get("result") if scraped else None,
                error=error,
                partition=key,
                step=SCRAPE_STEP,
                **board,
            )
        )
        jobs[-1]["_unapplied"] = key in unapplied
        snapshot = done.get((RAW_DATA_SNAPSHOTS.to_user_string(), key))
        if snapshot is not None:
            jobs.append(
                _job(
                    run,
                    "normalize",
                    "completed",
                    started=scraped.timestamp if scraped else previous,
                    completed=snapshot.timestamp,
                    result=_metadata_values(snapshot),
                    error=None,
                    partition=key,
                    step=SCRAPE_STEP,
                    **board,
                )
            )
        if scraped is not None:
            previous = (snapshot or scraped).timestamp
    return jobs


def _is_scrape_step(step_key: str | None) -> bool:
    return step_key is not None and (step_key == SCRAPE_STEP or step_key.startswith(f"{SHARD_OP}["))


def _step_error(failure: EventLogEntry) -> str | None:
    """`<step> failed: <the exception's first line>`, from a STEP_FAILURE event."""
    data = failure.dagster_event.step_failure_data if failure.dagster_event else None
    if data is None or data.error is None:
        return None
    return f"{failure.step_key} failed: {data.error.message.strip().splitlines()[0]}"


def _planned_board_days(instance: DagsterInstance, run: DagsterRun) -> list[str]:
    """The board-day partition keys a run targets, from its partition tags."""
    selected = {key.to_user_string() for key in (run.asset_selection or ())}
    if run.job_name not in SCRAPE_JOBS and BOARD_POSTINGS.to_user_string() not in selected:
        return []
    if PARTITION_TAG in run.tags:
        return [run.tags[PARTITION_TAG]]
    start, end = run.tags.get(PARTITION_RANGE_START_TAG), run.tags.get(PARTITION_RANGE_END_TAG)
    if not (start and end):
        return []
    from dagster import PartitionKeyRange

    keys = board_day_partitions.get_partition_keys_in_range(
        PartitionKeyRange(start, end), dynamic_partitions_store=instance
    )
    return sorted(str(key) for key in keys)


def _selected_steps(run: DagsterRun) -> set[str]:
    if run.job_name == HISTORY_JOB:
        return set(_HISTORY_JOB_TYPES)
    return {key.to_user_string() for key in (run.asset_selection or ())}


def _status(
    succeeded: bool, failure: EventLogEntry | None, run: DagsterRun, run_error: str | None
) -> tuple[str, str | None]:
    if succeeded:
        return "completed", None
    if failure is not None:
        data = failure.dagster_event.step_failure_data if failure.dagster_event else None
        description = (
            data.user_failure_data.description if data and data.user_failure_data else None
        )
        return "failed", description or (
            data.error.message.strip() if data and data.error else "step failed"
        )
    if run.status in _FINISHED:
        return "failed", run_error or "not run: an upstream step failed"
    return "pending", None


# What Dagster says when something outside the run (the code server that saw its worker die,
# a person in the UI) marks it failed; the engine event just before says what happened.
_FAILED_FROM_OUTSIDE = "This run has been marked as failed from outside the execution context."


# What Dagster's RUN_CANCELING event says, in words: where the run was when it was stopped.
_CANCELLED_WHERE = {
    "Canceling run from the queue.": "in the run queue, before it started",
    "Sending run termination request.": "while it ran",
}


def _cancel_reason(instance: DagsterInstance, run: DagsterRun) -> str:
    """Who or what cancelled the run, and when, from its cancel events and its backfill."""
    events = instance.all_logs(
        run.run_id, of_type={DagsterEventType.RUN_CANCELING, DagsterEventType.RUN_CANCELED}
    )
    first = events[0] if events else None
    message = (first.dagster_event.message if first and first.dagster_event else None) or ""
    backfill = instance.get_backfill(run.tags[BACKFILL_TAG]) if BACKFILL_TAG in run.tags else None
    if backfill is not None and backfill.status.value in ("CANCELING", "CANCELED"):
        who = f"its backfill {backfill.backfill_id} was cancelled"
    elif message in _CANCELLED_WHERE or not message:
        who = "Terminate in the Dagster UI"
    else:
        who = message.rstrip(".")  # e.g. Dagster's maximum runtime
    where = _CANCELLED_WHERE.get(message)
    when = f" on {_utc(first.timestamp):%Y-%m-%d %H:%M:%S} UTC" if first else ""
    return f"run {run.run_id[:8]} was cancelled{when} ({who})" + (f", {where}" if where else "")


def _run_failure_message(instance: DagsterInstance, run: DagsterRun) -> str:
    if run.status == DagsterRunStatus.CANCELED:
        return _cancel_reason(instance, run)
    explanation = None
    for event in instance.all_logs(
        run.run_id, of_type={DagsterEventType.RUN_FAILURE, DagsterEventType.ENGINE_EVENT}
    ):
        message = (event.dagster_event.message if event.dagster_event else None) or event.message
        if event.dagster_event_type == DagsterEventType.ENGINE_EVENT:
            explanation = message
        else:
            if message == _FAILED_FROM_OUTSIDE and explanation:
                message = explanation  # e.g. "Run execution process ... terminated by signal 9"
            return f"run {run.run_id[:8]} failed: {message}"
    return f"run {run.run_id[:8]} failed"


def _job(
    run: DagsterRun,
    job_type: str,
    status: str,
    *,
    started: float | None,
    completed: float | None,
    result: Any,
    error: str | None,
    partition: str | None,
    step: str,
    boardId: int | None = None,  # noqa: N803 - the contract's JSON field name
    boardName: str | None = None,  # noqa: N803 - the contract's JSON field name
    board: str | None = None,
) -> dict[str, Any]:
    return {
        "id": None,  # set per execution once repeated attempts are merged (_execution_row)
        "jobType": job_type,
        "boardId": boardId,
        "boardName": boardName,
        "board": board,
        "status": status,
        "startedAt": _iso(started),
        "completedAt": _iso(completed) if status in ("completed", "failed") else None,
        "result": result,
        "error": mask_credentials(error) if error else None,
        "partitionKey": partition,
        "dagsterRunId": run.run_id,
        "_step": step,
    }


def _job_row(execution_id: str, job: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": uuid.UUID(job["id"]),
        "job_type": job["jobType"],
        "job_board_id": job["boardId"],
        "board_name": job["boardName"],
        "status": job["status"],
        "started_at": _parse(job["startedAt"]),
        "completed_at": _parse(job["completedAt"]),
        "result": job["result"],
        "error": job["error"],
        "pipeline_run_id": execution_id,
        "dagster_run_id": job["dagsterRunId"],
        "partition_key": job["partitionKey"],
    }


def _metadata_values(event: EventLogEntry | None) -> dict[str, Any]:
    if event is None or event.asset_materialization is None:
        return {}
    return {
        key: getattr(value, "value", value)
        for key, value in event.asset_materialization.metadata.items()
        if not isinstance(getattr(value, "value", None), (bytes,))
    }


def _range_label(run: DagsterRun) -> str | None:
    start, end = run.tags.get(PARTITION_RANGE_START_TAG), run.tags.get(PARTITION_RANGE_END_TAG)
    return f"{start}...{end}" if start and end else None


def _trigger_of(runs: Sequence[DagsterRun]) -> str:
    tags = runs[0].tags
    if TRIGGER_TAG in tags:
        return tags[TRIGGER_TAG]
    if BACKFILL_TAG in tags:
        return "backfill"
    if "dagster/schedule_name" in tags:
        return "schedule"
    if "dagster/sensor_name" in tags:
        return "sensor"
    return "manual"


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _iso(timestamp: float | None) -> str | None:
    return _utc(timestamp).isoformat() if timestamp else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
