"""Scale-out: the 1,000-board day in one process against one shard per ATS host on two local
Celery workers, with the CPU it costs per board and the politeness floor.

Same market as `bench_breadth.py`: 1,000 simulated boards behind 7 hosts (one per ATS kind, each
its own simulator process), a per-host minimum interval between requests. In-process is
`jobboard run` (one scrape step, `--parallel` boards at once); sharded is `jobboard run --celery`
(7 shard steps, one per host, on two `dagster-celery` workers through the loopback RabbitMQ).
CPU is user + system time of every process that did pipeline work (the run's process, and the
workers for the sharded day), divided by the boards. `--profile` samples the in-process day with
py-spy (every thread, on-CPU samples only) and reports where the CPU goes: the functions of
jobboard_assets by inclusive share, and the hottest frames by self share
(benchmarks/results/scale_out_profile.json).

Run: `.venv/bin/python benchmarks/bench_scale_out.py [--boards 1000] [--interval 0.05]
[--parallel 8] [--workers 2] [--profile]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    BIN,
    hosts_simulator,
    peak_rss_mb,
    pipeline_execution,
    platform_env,
    run_child,
    write_results,
)

DAY = date(2026, 3, 2)


def cpu_seconds_of_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds_of_groups(groups: list[int]) -> float:
    """user + system seconds of every live process in these process groups (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process is gone
        if int(fields[2]) in groups:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def child(mode: str, parallel: int, celery_yaml: str | None) -> None:
    from jobboard_assets.celery_workers import read_config

    celery = read_config(celery_yaml) if celery_yaml else None
    run, seconds = pipeline_execution(DAY, DAY, parallel_boards=parallel, celery=celery)
    scrapes = [job for job in run["jobs"] if job["jobType"] == "scrape"]
    print(
        json.dumps(
            {
                "mode": mode,
                "seconds": round(seconds, 2),
                "status": run["status"],
                "boards_applied": sum(job["status"] == "completed" for job in scrapes),
                "pages": sum((job["result"] or {}).get("pages", 0) for job in scrapes),
                "dagster_runs": len(run["dagster_run_ids"]),
                "errors": run["errors"][:5],
                "cpu_seconds": round(cpu_seconds_of_self(), 1),
                "rss_mb": peak_rss_mb(),
            }
        )
    )


def profile_summary(raw: Path, top: int = 25) -> dict[str, Any]:
    """Collapsed py-spy stacks -> our functions by inclusive share, all frames by self share."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        frames = stack.split(";")
        total += samples
        own[_short(frames[-1])] += samples
        for frame in {_short(frame) for frame in frames if "jobboard_assets/" in frame}:
            inclusive[frame] += samples

    def share(counter: Counter[str]) -> dict[str, float]:
        return {f: round(100 * n / total, 1) for f, n in counter.most_common(top)}

    return {
        "samples": total,
        "ours_inclusive_percent": share(inclusive),
        "self_percent": share(own),
    }


def _short(frame: str) -> str:
    """`function (path/to/module.py:line)` -> `function (module.py)`."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split('/')[-1].split(':')[0]})"


def sharded(
    registry: Path,
    scratch: Path,
    parallel: int,
    workers: int,
    concurrency: int,
    broker: str | None,
) -> dict[str, Any]:
    """The day through `workers` local Celery workers (fresh platform, its own queue)."""
    from jobboard_assets.celery_workers import celery_workers, executor_config, write_config

    env = platform_env(scratch / "sharded", registry)
    subprocess.run([BIN / "jobboard", "setup"], env=env, check=True, capture_output=True)
    env["DAGSTER_HOME"] = str(scratch / "sharded" / "dagster_home")
    config = executor_config(f"jobboard-bench-{uuid.uuid4().hex[:8]}", broker)
    celery_yaml = write_config(scratch / "celery.yaml", config)
    names = [f"bench{index}-{uuid.uuid4().hex[:6]}" for index in range(1, workers + 1)]
    with celery_workers(config, names, scratch, env, concurrency=concurrency) as started:
        idle = cpu_seconds_of_groups(started.process_groups)
        result = run_child(
            [__file__, "--child", "sharded", "--parallel", str(parallel), "--celery-yaml"]
            + [str(celery_yaml)],
            env,
        )
        worker_cpu = cpu_seconds_of_groups(started.process_groups) - idle
    return {
        **result,
        "workers": workers,
        "shards_at_once_per_worker": concurrency,
        "worker_cpu_seconds": round(worker_cpu, 1),
        "cpu_seconds": round(result["cpu_seconds"] + worker_cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--parallel", type=int, default=8, help="boards at once per process")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1, help="shards at once per worker")
    parser.add_argument(
        "--broker", default=None, help="default: JOBBOARD_CELERY_BROKER or RabbitMQ"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", choices=["in-process", "sharded"])
    parser.add_argument("--celery-yaml")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.parallel, args.celery_yaml)
        return

    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        with hosts_simulator(args.boards, args.interval, scratch) as (registry, per_host):
            raw = scratch / "profile.txt"
            spy = [str(BIN / "py-spy"), "record", "--format", "raw", "--rate", "50", "--threads"]
            in_process = run_child(
                [__file__, "--child", "in-process", "--parallel", str(args.parallel)],
                platform_env(scratch / "in-process", registry),
                prefix=[*spy, "--output", str(raw), "--", sys.executable] if args.profile else (),
            )
            profile = profile_summary(raw) if args.profile else None
            shards = sharded(
                registry, scratch, args.parallel, args.workers, args.concurrency, args.broker
            )
    floor = round(max(per_host.values()) * args.interval, 1)
    for figures in (in_process, shards):
        figures["cpu_ms_per_board"] = round(1000 * figures["cpu_seconds"] / args.boards, 1)
    print(
        f"{args.boards} boards on {len(per_host)} hosts, interval {args.interval}s "
        f"(politeness floor {floor}s)"
    )
    shard_label = f"{args.workers}x{args.concurrency} shards"
    for label, figures in (("in-process", in_process), (shard_label, shards)):
        print(
            f"  {label:<12} {figures['seconds']:7.1f}s  {figures['boards_applied']} applied  "
            f"CPU {figures['cpu_seconds']:.0f}s = {figures['cpu_ms_per_board']:.0f} ms/board  "
            f"{figures['seconds'] / floor if floor else 0:.1f}x the floor"
        )
    if profile:
        print(f"CPU profile of the in-process day ({profile['samples']} samples):")
        for name, percent in list(profile["ours_inclusive_percent"].items())[:12]:
            print(f"  {percent:5.1f}%  {name}")
        write_results("scale_out_profile", profile)
    write_results(
        "scale_out",
        {
            "boards": args.boards,
            "hosts": len(per_host),
            "boards_per_host": per_host,
            "min_interval_seconds": args.interval,
            "parallel_boards": args.parallel,
            "day": DAY,
            "politeness_lower_bound_seconds": floor,
            "in_process": in_process,
            "sharded": shards,
        },
    )


if __name__ == "__main__":
    main()
