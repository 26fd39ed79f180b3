"""Incremental daily cost and 90-day backfills, on the simulated market.

1. Incremental: the daily run (`jobboard run`) on day 1 of an empty history and on day 90 of a
   history backfilled for 89 days. Merging touches the day's postings, not the history, and the
   downstream phases are vectorised, so the two should cost about the same.
2. Backfill: 90 days x 33 boards through the documented path, `jobboard backfill` (one scrape
   run over the whole board x day rectangle, one history run over the 90 days), with the number
   of Dagster runs it launched; and a 1-day re-run of one board afterwards.

Each timing is a fresh process. Run: `.venv/bin/python benchmarks/bench_history.py
[--repeats 3] [--days 90] [--boards 33]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    peak_rss_mb,
    pipeline_execution,
    platform_env,
    run_child,
    simulator,
    spread,
    write_results,
)

FIRST_DAY = date(2026, 1, 5)


def child(first: date, last: date, boards: list[str]) -> None:
    """One execution (`jobboard run` for a day, `jobboard backfill` for a range) in this process."""
    run, seconds = pipeline_execution(first, last, boards)
    figures = {
        "seconds": seconds,
        "status": run["status"],
        "dagster_runs": len(run["dagster_run_ids"]),
        "jobs": run["total_jobs"],
        "rss_mb": peak_rss_mb(),
    }
    print(json.dumps(figures))


def execution(
    directory: Path, registry: Path, first: date, last: date, boards: tuple[str, ...] = ()
) -> dict:
    args = [__file__, "--child", first.isoformat(), last.isoformat(), *boards]
    result = run_child(args, platform_env(directory, registry))
    if result["status"] != "completed":
        raise RuntimeError(f"{first}..{last} ended {result['status']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--boards", type=int, default=33)
    parser.add_argument("--child", nargs="+", metavar="ARG")
    args = parser.parse_args()
    if args.child:
        first, last, *boards = args.child
        child(date.fromisoformat(first), date.fromisoformat(last), boards)
        return

    last_day = FIRST_DAY + timedelta(days=args.days - 1)
    with (
        tempfile.TemporaryDirectory() as scratch_name,
        simulator(args.boards, directory=Path(scratch_name)) as registry,
    ):
        scratch = Path(scratch_name)
        # Warm the simulator for every day (its first request for a day generates it).
        execution(scratch / "warm", registry, FIRST_DAY, last_day)

        backfill = execution(scratch / "backfill", registry, FIRST_DAY, last_day)
        print(
            f"backfill {args.days} days x {args.boards} boards: {backfill['seconds']:.1f}s, "
            f"{backfill['dagster_runs']} Dagster runs, {backfill['jobs']} jobs"
        )
        one_board = execution(
            scratch / "backfill", registry, last_day, last_day, (_first_board(registry),)
        )
        print(f"re-run of one board for one day afterwards: {one_board['seconds']:.1f}s")

        history = scratch / "history"
        execution(history, registry, FIRST_DAY, last_day - timedelta(days=1))
        day1, day_n = [], []
        for attempt in range(args.repeats):
            day1.append(execution(scratch / f"day1-{attempt}", registry, FIRST_DAY, FIRST_DAY))
            copy = scratch / f"dayn-{attempt}"
            shutil.copytree(history, copy)
            day_n.append(execution(copy, registry, last_day, last_day))
        incremental = {
            "day_1": {
                "seconds": spread([r["seconds"] for r in day1]),
                "peak_rss_mb": max(r["rss_mb"] for r in day1),
            },
            f"day_{args.days}": {
                "seconds": spread([r["seconds"] for r in day_n]),
                "peak_rss_mb": max(r["rss_mb"] for r in day_n),
            },
        }
        ratio = round(
            incremental[f"day_{args.days}"]["seconds"]["median"]
            / incremental["day_1"]["seconds"]["median"],
            2,
        )
        print(
            f"daily run, day 1: {incremental['day_1']['seconds']}  day {args.days}: "
            f"{incremental[f'day_{args.days}']['seconds']}  ratio {ratio}"
        )
    write_results(
        "history",
        {
            "boards": args.boards,
            "days": args.days,
            "backfill": {**backfill, "one_board_one_day_rerun_seconds": one_board["seconds"]},
            "incremental": incremental,
            "incremental_ratio": ratio,
        },
    )


def _first_board(registry: Path) -> str:
    from benchmarks.common import board_slugs

    return board_slugs(registry)[0]


if __name__ == "__main__":
    main()
