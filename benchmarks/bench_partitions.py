"""Partitions at scale: what 1,000 boards x 2 years of board x day partitions cost the UI, the
daemon's ticks and each run, against 33 boards x 2 years.

For each case: a fresh embedded platform whose daily dimension starts 730 days ago, the boards
added to the dynamic `boards` dimension, and some history materialized through the instance's
public API (`report_runless_asset_event`: the last `--history-days` days of every board, and the
daily assets). Then, against a real `dagster-webserver` on loopback: the GraphQL queries the
asset pages issue (partition health of the board x day and the daily asset, the catalog's
partition counts) and a dry run of every sensor and of the schedule (what the daemon evaluates
each tick, through the same code server). Last, in fresh processes as `jobboard run` does: one
board's day (run launch overhead: run created -> first step started) and 33 boards' day.

Run: `.venv/bin/python benchmarks/bench_partitions.py [--history-days 60] [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    BIN,
    REPO,
    board_slugs,
    free_port,
    peak_rss_mb,
    pipeline_execution,
    platform_env,
    run_child,
    simulator,
    spread,
    write_results,
)

DAYS = 730
CASES = (33, 1000)
LOCATION = "jobboard_assets"
SENSORS = (
    "board_registry_sensor",
    "history_after_scrape_sensor",
    "pipeline_runs_mirror_sensor",
    "api_run_requests_sensor",
)
SCHEDULE = "daily_pipeline_schedule"

# The asset page's partition health (the UI's PartitionHealthQuery) and the catalog's counts.
PARTITION_HEALTH = """
query PartitionHealthQuery($assetKey: AssetKeyInput!) {
  assetNodeOrError(assetKey: $assetKey) {
    ... on AssetNode {
      id
      partitionKeysByDimension { name type partitionKeys }
      assetPartitionStatuses {
        ... on DefaultPartitionStatuses {
          materializedPartitions materializingPartitions failedPartitions
        }
        ... on TimePartitionStatuses { ranges { status startTime endTime startKey endKey } }
        ... on MultiPartitionStatuses {
          primaryDimensionName
          ranges {
            primaryDimStartKey primaryDimEndKey primaryDimStartTime primaryDimEndTime
            secondaryDim {
              ... on DefaultPartitionStatuses {
                materializedPartitions materializingPartitions failedPartitions
              }
              ... on TimePartitionStatuses {
                ranges { status startTime endTime startKey endKey }
              }
            }
          }
        }
      }
    }
  }
}"""
CATALOG = """
query AssetCatalog {
  assetNodes {
    assetKey { path }
    partitionStats { numMaterialized numMaterializing numFailed numPartitions }
  }
}"""
SENSOR_DRY_RUN = """
mutation SensorDryRun($selector: SensorSelector!, $cursor: String) {
  sensorDryRun(selectorData: $selector, cursor: $cursor) {
    __typename
    ... on DryRunInstigationTick {
      evaluationResult { skipReason runRequests { runKey } error { message } }
    }
    ... on PythonError { message }
  }
}"""
SCHEDULE_DRY_RUN = """
mutation ScheduleDryRun($selector: ScheduleSelector!, $timestamp: Float) {
  scheduleDryRun(selectorData: $selector, timestamp: $timestamp) {
    __typename
    ... on DryRunInstigationTick {
      evaluationResult { skipReason runRequests { runKey } error { message } }
    }
    ... on PythonError { message }
  }
}"""


def start_date() -> date:
    return datetime.now(UTC).date() - timedelta(days=DAYS - 1)


# --- children (fresh processes) -------------------------------------------------------------


def child_setup(history_days: int) -> None:
    """Registry + partitions, then `history_days` of every board and daily asset materialized."""
    from dagster import AssetKey, AssetMaterialization, DagsterInstance

    from jobboard_assets import config
    from jobboard_assets.defs.scrape.assets import BOARD_POSTINGS, RAW_DATA_SNAPSHOTS
    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.launch.execute import sync_registry
    from jobboard_assets.lib.partitions import board_day_key
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse.db import make_engine

    ensure_dagster_home()
    today = datetime.now(UTC).date()
    days = [today - timedelta(days=offset) for offset in range(1, history_days + 1)]
    with DagsterInstance.get() as instance:
        started = time.perf_counter()
        slugs = sync_registry(
            instance, make_engine(config.database_url()), load_registry(config.boards_file())
        )
        synced = time.perf_counter() - started
        started = time.perf_counter()
        events = 0
        for day in days:
            for slug in slugs:
                for asset in (BOARD_POSTINGS, RAW_DATA_SNAPSHOTS):
                    key = str(board_day_key(slug, day))
                    instance.report_runless_asset_event(AssetMaterialization(asset, partition=key))
                    events += 1
            for name in ("posting_lifespans", "posting_reposts", "efficiency_scores"):
                instance.report_runless_asset_event(
                    AssetMaterialization(AssetKey(name), partition=day.isoformat())
                )
                events += 1
        reported = time.perf_counter() - started
    print(
        json.dumps(
            {
                "registry_sync_seconds": round(synced, 2),
                "history_events": events,
                "history_seconds": round(reported, 1),
            }
        )
    )


def child_run(boards: list[str]) -> None:
    """One `jobboard run` of these boards for today; the scrape run's launch overhead."""
    from dagster import DagsterEventType, DagsterInstance, RunsFilter

    today = datetime.now(UTC).date()
    run, seconds = pipeline_execution(today, today, boards=boards)
    with DagsterInstance.get() as instance:
        (record,) = instance.get_run_records(
            RunsFilter(run_ids=[run["dagster_run_ids"][0]]), limit=1
        )
        first_step = min(
            event.timestamp
            for event in instance.all_logs(
                record.dagster_run.run_id, of_type=DagsterEventType.STEP_START
            )
        )
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "status": run["status"],
                "launch_seconds": round(first_step - record.create_timestamp.timestamp(), 3),
                "rss_mb": peak_rss_mb(),
            }
        )
    )


# --- the webserver ----------------------------------------------------------------------------


def graphql(port: int, query: str, variables: dict[str, Any] | None = None) -> tuple[float, Any]:
    """(seconds, data) of one GraphQL request."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"GraphQL HTTP {error.code}: {error.read()[:2000]!r}") from error
    seconds = time.perf_counter() - started
    if answer.get("errors"):
        raise RuntimeError(f"GraphQL errors: {answer['errors'][:2]}")
    return seconds, answer["data"]


def webserver_figures(env: dict[str, str], repeats: int) -> dict[str, Any]:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [BIN / "dagster-webserver", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_location(port, timeout=300)
        figures: dict[str, Any] = {
            "webserver_ready_seconds": round(time.perf_counter() - started, 1)
        }
        repository = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__"}
        queries: dict[str, tuple[str, dict[str, Any]]] = {
            "asset_page_board_postings": (
                PARTITION_HEALTH,
                {"assetKey": {"path": ["board_postings"]}},
            ),
            "asset_page_posting_lifespans": (
                PARTITION_HEALTH,
                {"assetKey": {"path": ["posting_lifespans"]}},
            ),
            "asset_catalog": (CATALOG, {}),
            **{
                f"tick_{sensor}": (
                    SENSOR_DRY_RUN,
                    {"selector": {**repository, "sensorName": sensor}, "cursor": ""},
                )
                for sensor in SENSORS
            },
            f"tick_{SCHEDULE}": (
                SCHEDULE_DRY_RUN,
                {
                    "selector": {**repository, "scheduleName": SCHEDULE},
                    "timestamp": datetime.now(UTC)
                    .replace(hour=2, minute=0, second=0, microsecond=0)
                    .timestamp(),
                },
            ),
        }
        for name, (query, variables) in queries.items():
            times = []
            for _ in range(repeats):
                seconds, data = graphql(port, query, variables)
                times.append(seconds)
            figures[name] = spread(times)
            problem = _problem(data)
            if problem:
                figures[f"{name}_problem"] = problem
        return figures
    finally:
        server.terminate()
        server.wait(timeout=60)


def _problem(data: Any) -> str | None:
    """A dry run's error or a Python error in the answer, if any (reported, not hidden)."""
    for value in data.values():
        if isinstance(value, dict):
            if value.get("__typename") == "PythonError":
                return value.get("message")
            error = (value.get("evaluationResult") or {}).get("error")
            if error:
                return error.get("message")
    return None


def _wait_for_location(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    query = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"
    while time.monotonic() < deadline:
        try:
            _, data = graphql(port, query)
            entries = data["workspaceOrError"]["locationEntries"]
            if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
                return
        except (OSError, RuntimeError, KeyError, TypeError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"dagster-webserver did not load the code location within {timeout:.0f}s")


# --- one case -----------------------------------------------------------------------------------


def measure(boards: int, history_days: int, repeats: int, scratch: Path) -> dict[str, Any]:
    with simulator(boards, directory=scratch) as registry:
        env = {
            **platform_env(scratch / f"platform-{boards}", registry),
            "JOBBOARD_START_DATE": start_date().isoformat(),
        }
        figures: dict[str, Any] = {
            "boards": boards,
            "days": DAYS,
            "partitions_per_asset": boards * DAYS,
            "history_days": history_days,
        }
        figures.update(run_child([__file__, "--setup", str(history_days)], env))
        env["DAGSTER_HOME"] = str(scratch / f"platform-{boards}" / "dagster_home")
        figures.update(webserver_figures(env, repeats))
        slugs = board_slugs(registry)
        for label, chosen in (("one_board", slugs[:1]), ("33_boards", slugs[:33])):
            runs = [run_child([__file__, "--run", *chosen], env) for _ in range(repeats)]
            figures[f"jobboard_run_{label}"] = spread([run["seconds"] for run in runs])
            figures[f"launch_{label}"] = spread([run["launch_seconds"] for run in runs])
            figures[f"status_{label}"] = sorted({run["status"] for run in runs})
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--history-days", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--boards", type=int, nargs="*", default=list(CASES))
    parser.add_argument("--setup", type=int, metavar="HISTORY_DAYS")
    parser.add_argument("--run", nargs="+", metavar="BOARD")
    args = parser.parse_args()
    if args.setup is not None:
        child_setup(args.setup)
        return
    if args.run:
        child_run(args.run)
        return

    cases = []
    with tempfile.TemporaryDirectory() as scratch_name:
        for boards in args.boards:
            case = measure(boards, args.history_days, args.repeats, Path(scratch_name))
            cases.append(case)
            print(json.dumps(case, indent=2))
    print(f"\n{'figure (median s)':<42}" + "".join(f"{c['boards']:>10} boards" for c in cases))
    for name in cases[0]:
        values = [case.get(name) for case in cases]
        medians = [
            value["median"] for value in values if isinstance(value, dict) and "median" in value
        ]
        if len(medians) == len(values):
            print(f"{name:<42}" + "".join(f"{median:>17.3f}" for median in medians))
    write_results("partitions", {"cases": cases})


if __name__ == "__main__":
    main()
