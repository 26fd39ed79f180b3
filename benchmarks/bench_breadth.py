"""Breadth: a daily run of 1,000 simulated boards behind a few ATS hosts, with per-host politeness.

The real-world shape is many small boards served by a handful of applicant-tracking systems.
Here each board kind gets its own host (one simulator process per kind, on 127.0.0.2,
127.0.0.3, ...), every board keeps a minimum interval between requests to its host, and one
`jobboard run` scrapes all 1,000 boards: requests to different hosts overlap, requests to one host
queue behind its interval. Reported: the day's wall time, requests per host, and the lower bound
the politeness interval alone sets.

Run: `.venv/bin/python benchmarks/bench_breadth.py [--boards 1000] [--interval 0.05]
[--parallel 8]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    hosts_simulator,
    peak_rss_mb,
    pipeline_execution,
    platform_env,
    run_child,
    write_results,
)

DAY = date(2026, 3, 2)


def child(parallel: int) -> None:
    run, seconds = pipeline_execution(DAY, DAY, parallel_boards=parallel)
    scrapes = [job for job in run["jobs"] if job["jobType"] == "scrape"]
    figures = {
        "seconds": seconds,
        "status": run["status"],
        "boards_applied": sum(job["status"] == "completed" for job in scrapes),
        "pages": sum((job["result"] or {}).get("pages", 0) for job in scrapes),
        "dagster_runs": len(run["dagster_run_ids"]),
        "rss_mb": peak_rss_mb(),
    }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument(
        "--interval", type=float, default=0.05, help="per-host minimum interval (s)"
    )
    parser.add_argument("--parallel", type=int, default=8, help="boards scraped at once")
    parser.add_argument("--child", type=int, metavar="PARALLEL")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        with hosts_simulator(args.boards, args.interval, scratch) as (registry, per_host):
            result = run_child(
                [__file__, "--child", str(args.parallel)],
                platform_env(scratch / "platform", registry),
            )
    busiest = max(per_host.values())
    print(
        f"{args.boards} boards on {len(per_host)} hosts (busiest {busiest} boards), interval "
        f"{args.interval}s, {args.parallel} at once: {result['seconds']:.1f}s, "
        f"{result['boards_applied']} applied, {result['pages']} pages, {result['dagster_runs']} runs"
    )
    write_results(
        "breadth",
        {
            "boards": args.boards,
            "hosts": len(per_host),
            "boards_per_host": dict(per_host),
            "min_interval_seconds": args.interval,
            "parallel_boards": args.parallel,
            "day": DAY,
            "politeness_lower_bound_seconds": round(busiest * args.interval, 1),
            **result,
        },
    )


if __name__ == "__main__":
    main()
