"""The embedded instance's event log: Dagster's stock SQLite storages against our pooled one.

Every variant is the embedded `dagster.yaml` (`jobboard setup`) with only `event_log_storage`
changed:

- `stock`: no `event_log_storage` at all, Dagster's default SQLite storage (`storage: sqlite`):
  a database per run plus an index database, a new connection per statement;
- `stock_consolidated`: Dagster's one-database WAL event log, named by its module path in the
  yaml (a path inside `dagster._core`, so no more public than a subclass);
- `pooled`: `jobboard_assets.instance_storage.PooledSqliteEventLogStorage` (what we ship).

Two measurements per variant, each in a fresh process on a fresh home:
(a) per stored event: a one-asset job that logs N `AssetObservation`s minus the same job
    logging none, divided by N (public API only: `materialize`, `context.log_event`);
(b) one simulated day of 33 boards through `jobboard run`'s path (`run_execution`), and how many
    events that stores (the events Dagster itself writes per step and run dominate: see `kinds`).
Run: `.venv/bin/python benchmarks/bench_instance.py [--repeats 3] [--events 200]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    board_slugs,
    peak_rss_mb,
    pipeline_execution,
    platform_env,
    run_child,
    simulator,
    spread,
    write_results,
)

DAY = date(2026, 3, 2)
VARIANTS: dict[str, dict[str, Any] | None] = {
    "stock": None,
    "stock_consolidated": {
        "module": "dagster._core.storage.event_log",
        "class": "ConsolidatedSqliteEventLogStorage",
        "config": {"base_dir": {"env": "DAGSTER_HOME"}},
    },
    "pooled": {
        "module": "jobboard_assets.instance_storage",
        "class": "PooledSqliteEventLogStorage",
        "config": {"base_dir": {"env": "DAGSTER_HOME"}},
    },
}


def write_instance_yaml(variant: str) -> None:
    """The embedded home's dagster.yaml with this variant's event log, before anything opens it."""
    from jobboard_assets import config
    from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML

    settings = yaml.safe_load(EMBEDDED_DAGSTER_YAML)
    settings.pop("event_log_storage")
    if VARIANTS[variant] is not None:
        settings["event_log_storage"] = VARIANTS[variant]
    home = config.data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(settings))


def per_event(events: int) -> dict[str, float]:
    """Seconds per stored event: a job logging `events` observations minus one logging none."""
    from dagster import AssetObservation, DagsterInstance, asset, materialize

    from jobboard_assets.instance import ensure_dagster_home

    def job_seconds(instance: DagsterInstance, count: int) -> float:
        @asset(name=f"observed_{count}")
        def observed(context) -> None:  # unannotated: Dagster rejects a postponed annotation here
            for n in range(count):
                context.log_event(AssetObservation(asset_key=context.asset_key, metadata={"n": n}))

        started = time.perf_counter()
        if not materialize([observed], instance=instance).success:
            raise RuntimeError("the observation job failed")
        return time.perf_counter() - started

    ensure_dagster_home()
    with DagsterInstance.get() as instance:
        job_seconds(instance, 0)  # warm: first run creates the databases
        empty = job_seconds(instance, 0)
        full = job_seconds(instance, events)
    return {"seconds": (full - empty) / events, "empty_run_seconds": empty}


def day_run() -> dict[str, Any]:
    """A 33-board day as `jobboard run` does it; the events it stored, by kind."""
    from dagster import DagsterInstance

    run, seconds = pipeline_execution(DAY, DAY)
    if run["status"] != "completed":
        raise RuntimeError(f"the day ended {run['status']}: {run['errors'][:3]}")
    kinds: Counter[str] = Counter()
    with DagsterInstance.get() as instance:
        for dagster_run in instance.get_runs():
            for entry in instance.all_logs(dagster_run.run_id):
                kinds[entry.dagster_event_type or "log message"] += 1
    return {"seconds": seconds, "events": sum(kinds.values()), "kinds": dict(kinds)}


def child(variant: str, measure: str, events: int) -> None:
    write_instance_yaml(variant)
    figures = per_event(events) if measure == "per_event" else day_run()
    print(json.dumps({**figures, "rss_mb": peak_rss_mb()}, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--boards", type=int, default=33)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "MEASURE", "EVENTS"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    results: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        simulator(args.boards, directory=Path(scratch)) as registry,
    ):
        for variant in VARIANTS:
            measured: dict[str, list[dict[str, Any]]] = {"per_event": [], "day": []}
            for measure in measured:
                for attempt in range(args.repeats):
                    env = platform_env(Path(scratch) / f"{variant}-{measure}-{attempt}", registry)
                    measured[measure].append(
                        run_child([__file__, "--child", variant, measure, str(args.events)], env)
                    )
            days = measured["day"]
            results[variant] = {
                "ms_per_event": spread([1000 * r["seconds"] for r in measured["per_event"]]),
                "day_seconds": spread([r["seconds"] for r in days]),
                "day_events": days[-1]["events"],
                "day_event_kinds": days[-1]["kinds"],
                "peak_rss_mb": max(r["rss_mb"] for r in days),
            }
            print(
                f"{variant:<19} {results[variant]['ms_per_event']} ms/event   33-board day "
                f"{results[variant]['day_seconds']} s, {days[-1]['events']} events"
            )
        boards = len(board_slugs(registry))
    ratios = {
        variant: round(
            results[variant]["day_seconds"]["median"] / results["pooled"]["day_seconds"]["median"],
            2,
        )
        for variant in VARIANTS
    }
    print(f"day seconds / pooled (medians): {ratios}")
    write_results(
        "instance",
        {
            "day": DAY,
            "boards": boards,
            "repeats": args.repeats,
            "events": args.events,
            "variants": results,
            "day_over_pooled": ratios,
        },
    )


if __name__ == "__main__":
    main()
