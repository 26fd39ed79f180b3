"""Incremental daily cost and 90-day backfills, on the simulated market.

1. Incremental: the daily run (`jobboard run`) on day 1 of an empty history and on day 90 of a
   history backfilled for 89 days. Merging touches the day's postings, not the history, and the
   downstream phases are vectorised, so the two should cost about the same.
2. Backfill: 90 days x 33 boards through the documented path, `jobboard backfill` (one scrape
   run over the whole board x day rectangle, one history run over the 90 days), with the number
   of Dagster runs it launched; and a 1-day re-run of one board afterwards.

Each timing is a fresh process. Run: `.venv/bin/python benchmarks/bench_history.py
[--repeats 3] [--days 90] [--boards 33] [--backend both]`: both the embedded path and the
production path (warehouse and Dagster instance on PostgreSQL), each on fresh platforms; day N
starts from a copy of the N-1-day history (files, and PostgreSQL databases by TEMPLATE).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    BenchPlatform,
    Platforms,
    add_backend_option,
    backend_choices,
    peak_rss_mb,
    pipeline_execution,
    platforms,
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
    platform: BenchPlatform, first: date, last: date, boards: tuple[str, ...] = ()
) -> dict:
    args = [__file__, "--child", first.isoformat(), last.isoformat(), *boards]
    result = run_child(args, platform.env())
    if result["status"] != "completed":
        raise RuntimeError(f"{first}..{last} ended {result['status']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--boards", type=int, default=33)
    parser.add_argument("--child", nargs="+", metavar="ARG")
    add_backend_option(parser)
    args = parser.parse_args()
    if args.child:
        first, last, *boards = args.child
        child(date.fromisoformat(first), date.fromisoformat(last), boards)
        return

    last_day = FIRST_DAY + timedelta(days=args.days - 1)
    figures: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory() as scratch_name,
        simulator(args.boards, directory=Path(scratch_name)) as registry,
    ):
        scratch = Path(scratch_name)
        with platforms("sqlite", registry) as warm:
            # Warm the simulator for every day (its first request for a day generates it).
            execution(warm.fresh(scratch / "warm"), FIRST_DAY, last_day)
        for backend in backend_choices(args.backend):
            with platforms(backend, registry) as made:
                figures[backend] = measure(made, scratch / backend, args, last_day, registry)
    ratios = {backend: f["incremental_ratio"] for backend, f in figures.items()}
    if len(figures) == 2:
        backfills = {b: f["backfill"]["seconds"] for b, f in figures.items()}
        print(
            f"PostgreSQL / SQLite: backfill {backfills['postgres'] / backfills['sqlite']:.2f}x, "
            f"day-{args.days}/day-1 ratios {ratios}"
        )
    write_results("history", {"boards": args.boards, "days": args.days, "backends": figures})


def measure(
    made: Platforms, scratch: Path, args: argparse.Namespace, last_day: date, registry: Path
) -> dict[str, object]:
    """The backfill, a one-board re-run, and day 1 vs day N on one backend."""
    backend = made.backend
    backfilled = made.fresh(scratch / "backfill")
    backfill = execution(backfilled, FIRST_DAY, last_day)
    print(
        f"{backend}: backfill {args.days} days x {args.boards} boards: "
        f"{backfill['seconds']:.1f}s, {backfill['dagster_runs']} Dagster runs, "
        f"{backfill['jobs']} jobs, peak RSS {backfill['rss_mb']} MB"
    )
    one_board = execution(backfilled, last_day, last_day, (_first_board(registry),))
    print(f"{backend}: re-run of one board for one day afterwards: {one_board['seconds']:.1f}s")

    history = made.fresh(scratch / "history")
    execution(history, FIRST_DAY, last_day - timedelta(days=1))
    day1, day_n = [], []
    for attempt in range(args.repeats):
        day1.append(execution(made.fresh(scratch / f"day1-{attempt}"), FIRST_DAY, FIRST_DAY))
        day_n.append(
            execution(made.clone(history, scratch / f"dayn-{attempt}"), last_day, last_day)
        )
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
        f"{backend}: daily run, day 1: {incremental['day_1']['seconds']}  day {args.days}: "
        f"{incremental[f'day_{args.days}']['seconds']}  ratio {ratio}"
    )
    return {
        "backfill": {**backfill, "one_board_one_day_rerun_seconds": one_board["seconds"]},
        "incremental": incremental,
        "incremental_ratio": ratio,
    }


def _first_board(registry: Path) -> str:
    from benchmarks.common import board_slugs

    return board_slugs(registry)[0]


if __name__ == "__main__":
    main()
