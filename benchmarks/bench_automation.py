"""Declarative automation in place of `history_after_scrape_sensor`: what one tick costs.

The candidate condition on the daily history assets: run a day once its scrape has updated any
of its board-days and no run touching them is still going, whatever board failed (the built-in
`eager` waits for every board: `~any_deps_missing` would hold the day back for one failed board),
once per update (`since_last_handled`). It is evaluated with Dagster's public
`evaluate_automation_conditions` on a real embedded instance whose daily dimension starts two
years back, with the boards in the `boards` dimension and, as in production, the last
`--history-days` days of every board and of the daily assets materialized. Tick 1 is the first
evaluation (no cursor); tick 2 follows a new day scraped for every board (the daily case).

Run: `.venv/bin/python benchmarks/bench_automation.py [--boards 33 1000] [--days 730]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import peak_rss_mb, write_results
from jobboard_assets.instance import EMBEDDED_DAGSTER_YAML

CONDITION_SOURCE = (
    "any_deps_updated().since_last_handled() & ~any_deps_in_progress() & ~in_progress()"
)


def measure(boards: int, days: int, history_days: int) -> dict[str, Any]:
    """Both ticks on a fresh instance with `boards` x `days` board-day partitions."""
    from dagster import (
        AssetMaterialization,
        AutomationCondition,
        DagsterInstance,
        evaluate_automation_conditions,
    )

    from jobboard_assets.definitions import defs
    from jobboard_assets.lib.names import (
        BOARD_PARTITIONS,
        BOARD_POSTINGS,
        EFFICIENCY_SCORES,
        LIFESPAN_METRICS,
        POSTING_LIFESPANS,
        POSTING_REPOSTS,
        REPOST_FREQUENCY,
    )
    from jobboard_assets.lib.partitions import board_day_key

    daily = [
        POSTING_LIFESPANS,
        POSTING_REPOSTS,
        EFFICIENCY_SCORES,
        LIFESPAN_METRICS,
        REPOST_FREQUENCY,
    ]
    condition = (
        AutomationCondition.any_deps_updated().since_last_handled()
        & ~AutomationCondition.any_deps_in_progress()
        & ~AutomationCondition.in_progress()
    )
    location = defs().map_resolved_asset_specs(
        func=lambda spec: spec.replace_attributes(automation_condition=condition),
        selection=daily,
    )
    today = datetime.now(UTC).date()
    slugs = [f"board-{index:04d}" for index in range(boards)]
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(BOARD_PARTITIONS, slugs)

        def scraped(day: date) -> None:
            for slug in slugs:
                instance.report_runless_asset_event(
                    AssetMaterialization(BOARD_POSTINGS, partition=str(board_day_key(slug, day)))
                )

        for back in range(history_days, 0, -1):
            day = today - timedelta(days=back)
            scraped(day)
            for key in daily:
                instance.report_runless_asset_event(
                    AssetMaterialization(key, partition=day.isoformat())
                )
        started = time.perf_counter()
        first = evaluate_automation_conditions(defs=location, instance=instance)
        first_seconds = time.perf_counter() - started
        scraped(today)
        started = time.perf_counter()
        second = evaluate_automation_conditions(
            defs=location, instance=instance, cursor=first.cursor
        )
        second_seconds = time.perf_counter() - started
    return {
        "boards": boards,
        "days": days,
        "board_day_partitions": boards * days,
        "tick1_seconds": round(first_seconds, 2),
        "tick1_requested": first.total_requested,
        "tick2_seconds": round(second_seconds, 2),
        "tick2_requested": second.total_requested,
        "tick2_requested_days": sorted(
            {
                key
                for result in second.results
                for key in (result.true_subset.expensively_compute_partition_keys() or [])
            }
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, nargs="+", default=[33, 1000])
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--history-days", type=int, default=2)
    args = parser.parse_args()
    if len(args.boards) > 1:  # one fresh process per case: the definitions read the start date
        for boards in args.boards:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--boards",
                    str(boards),
                    "--days",
                    str(args.days),
                    "--history-days",
                    str(args.history_days),
                ],
                check=True,
            )
        return
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text(EMBEDDED_DAGSTER_YAML)
        os.environ["DAGSTER_HOME"] = str(home)
        os.environ["JOBBOARD_DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'warehouse.db'}"
        start = datetime.now(UTC).date() - timedelta(days=args.days - 1)
        os.environ["JOBBOARD_START_DATE"] = start.isoformat()
        result = measure(args.boards[0], args.days, args.history_days)
        result["condition"] = CONDITION_SOURCE
        result["peak_rss_mb"] = peak_rss_mb()
        print(result)
        write_results(f"automation_{args.boards[0]}", result)


if __name__ == "__main__":
    main()
