"""Every GET of the API at 1M postings with 8 concurrent clients, on both backends.

Loads a synthetic history (the generator of `bench_metrics.py` through `bench_scale.load`: 1,000
boards, reposts, evergreens) plus 100 pipeline runs of 1,000 jobs each into a fresh warehouse (or
reuses the one kept under `--data`), builds the lifespan report as the pipeline's
`lifespan_metrics` step does (timed, and again over the same postings: what a run that changes
little writes), serves it with `jobboard api` in its own process, then:

- the first GET of every query, one at a time, on the cold server;
- `--rounds` rounds of every query from `--clients` threads at once: p50 / p95 / max latency
  and the body size per query, and the API process's peak RSS;
- every query from one client, 3 times: the service time without our own queueing;
- the same queries with `If-None-Match` (the monitor page's revalidating polls): p50 / p95.

The scores endpoint reads `efficiency_scores`, which this load leaves empty: its figures are of
empty answers. Run: `.venv/bin/python benchmarks/bench_api.py [--rows 1000000] [--boards 1000]
[--clients 8] [--rounds 20] [--backend both] [--data DIR] [--only TEXT]`; writes `benchmarks/results/api.json`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_scale import load
from benchmarks.common import (
    BIN,
    BenchPlatform,
    add_backend_option,
    backend_choices,
    ensure_database,
    free_port,
    peak_rss_mb,
    platforms,
    wait_for_port,
    write_results,
)
from jobboard_assets.api.app import ENDPOINTS
from jobboard_assets.pipeline.lifespan_references import update_lifespan_references
from jobboard_assets.pipeline.lifespan_report import update_lifespan_report
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets.warehouse.models import JobPosting, PipelineRun
from jobboard_assets.warehouse.queries.job_pages import write_job_pages

RUNS = 100
JOBS_PER_RUN = 1_000
EXTRA_QUERIES = (
    "/api/lifespan?action=trends&days=365",
    "/api/lifespan?action=distribution&boardId=1",
    "/api/lifespan?action=all&workplaceType=remote",
    "/api/pipeline?action=history&limit=100",
)


POSTING_SEARCHES = (
    "",
    "?sort=firstSeen",
    "?boardId=7",
    "?company=Company%207",
    "?roleFamily=data",
    "?status=active",
    "?minAge=30&maxAge=60",
    "?fakeFresh=true",
    "?payStated=true",
    "?minReposts=1",
    "?workplaceType=remote",
    "?q=engineer",
    "?q=no-such-title",
    "?status=active&roleFamily=sales&boardId=3&sort=age",
)
"""Posting search: no filter, each selective filter, combinations, a common and an absent
title word (the synthetic postings state no pay, workplace or repost: those match nothing)."""


def posting_queries(rows: int) -> list[str]:
    """The searches, and the evidence of a posting at the start, middle and end of the ids."""
    return [f"/api/postings{search}" for search in POSTING_SEARCHES] + [
        f"/api/postings/{posting_id}" for posting_id in (1, rows // 2, rows)
    ]


def queries(rows: int) -> list[str]:
    """One query per GET action (with its required boards), plus the heavy variants and the
    posting searches and evidence."""
    paths = []
    for endpoint in ENDPOINTS:
        for name, action in endpoint.actions.items():
            extra = "".join(
                f"&{param}={1 if param == 'boardId' else 2}" for param in action.required
            )
            paths.append(f"{endpoint.path}?action={name}{extra}")
    return paths + list(EXTRA_QUERIES) + posting_queries(rows)


def load_runs(engine: Any) -> None:
    """RUNS runs of JOBS_PER_RUN jobs each, as a 1,000-board daily run records them (with the
    job pages the mirror writes beside them)."""
    start = datetime.now(UTC) - timedelta(days=RUNS)
    jobs = [
        {
            "jobType": "scrape",
            "board": f"board-{n}",
            "status": "failed" if n % 50 == 0 else "completed",
            "dagsterRunId": str(uuid.uuid4()),
            "error": "timeout after 30 s" if n % 50 == 0 else None,
        }
        for n in range(JOBS_PER_RUN)
    ]
    rows: list[dict[str, Any]] = [
        {
            "id": uuid.uuid4(),
            "run_id": f"run-{day}",
            "status": "partial",
            "start_time": start + timedelta(days=day),
            "end_time": start + timedelta(days=day, minutes=20),
            "total_jobs": JOBS_PER_RUN,
            "completed_jobs": JOBS_PER_RUN - JOBS_PER_RUN // 50,
            "failed_jobs": JOBS_PER_RUN // 50,
            "jobs": jobs,
            "errors": [],
            "trigger": "schedule",
            "dagster_run_ids": [],
        }
        for day in range(RUNS)
    ]
    with engine.begin() as connection:
        connection.execute(PipelineRun.__table__.insert(), rows)
        write_job_pages(connection, {row["run_id"]: row["jobs"] for row in rows})


def percentiles(latencies: list[float]) -> dict[str, float]:
    """p50 / p95 / max in milliseconds."""
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def hammer(
    base_url: str,
    paths: list[str],
    clients: int,
    rounds: int,
    statuses: dict[str, int],
    etags: dict[str, str] | None,
) -> dict[str, list[float]]:
    """`clients` threads each GET every path `rounds` times; latencies per path."""
    latencies: dict[str, list[float]] = {path: [] for path in paths}
    lock = threading.Lock()

    def client(offset: int) -> None:
        with requests.Session() as session:
            for round_ in range(rounds):
                for index in range(len(paths)):
                    path = paths[(index + offset + round_) % len(paths)]
                    headers = {"If-None-Match": etags[path]} if etags and path in etags else {}
                    started = time.perf_counter()
                    response = session.get(base_url + path, headers=headers, timeout=120)
                    elapsed = time.perf_counter() - started
                    expected = 304 if etags and path in etags else statuses[path]
                    assert response.status_code == expected, (path, response.text)
                    with lock:
                        latencies[path].append(elapsed)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def peak_rss_of(pid: int) -> float:
    """Peak resident memory of a live process and its children (the API's worker processes),
    in MB: the sum of each one's peak (Linux's VmHWM)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            own = int(line.split()[1]) / 1024
            return round(own + sum(peak_rss_of(int(child)) for child in children), 1)
    return float("nan")


def kept_warehouse(platform: BenchPlatform, args: argparse.Namespace) -> str:
    """The URL of the warehouse kept under `--data` for this backend and size (created empty
    the first time), so a re-run skips the load."""
    name = f"api_{args.rows}_{args.boards}"
    if platform.backend == "sqlite":
        args.data.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{args.data / name}.db"
    return ensure_database(f"bench_{name}")


def prepare(engine: Any, backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Load the postings and runs unless the warehouse has them, then build the lifespan report
    as the pipeline's `lifespan_metrics` step does (timed: its daily cost at this size)."""
    migrate.upgrade(engine)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(JobPosting))
    if stored:
        print(f"{backend}: reusing {stored} postings")
    else:
        started = time.perf_counter()
        sizes = load(engine, args.rows, args.boards, args.boards * 365)
        load_runs(engine)
        if backend == "postgres":
            # What autovacuum does to a table this size soon after: without statistics the
            # planner takes the empty table's and picks scans for the posting searches.
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE"
                )
        print(f"{backend}: loaded {sizes} + {RUNS} runs in {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    rows = update_lifespan_report(engine)
    seconds = round(time.perf_counter() - started, 1)
    print(
        f"{backend}: lifespan report built in {seconds}s (rows written: {rows}), "
        f"peak RSS {peak_rss_mb()} MB"
    )
    started = time.perf_counter()
    update_lifespan_report(engine)  # unchanged postings: the daily run's write is this small
    again = round(time.perf_counter() - started, 1)
    print(f"{backend}: lifespan report rebuilt over unchanged postings in {again}s")
    started = time.perf_counter()
    references = update_lifespan_references(engine)  # what the evidence reads
    reference_seconds = round(time.perf_counter() - started, 1)
    print(f"{backend}: {references} board lifespan references written in {reference_seconds}s")
    return {
        "postings": stored or args.rows,
        "report_rows_written": rows,
        "report_seconds": seconds,
        "report_again_seconds": again,
        "references_seconds": reference_seconds,
    }


def measure(platform: BenchPlatform, args: argparse.Namespace) -> dict[str, Any]:
    env = platform.env()
    if args.data is not None:
        env["JOBBOARD_DATABASE_URL"] = kept_warehouse(platform, args)
    engine = make_engine(env["JOBBOARD_DATABASE_URL"])
    sizes = prepare(engine, platform.backend, args)
    engine.dispose()

    port = free_port()
    workers = ["--workers", str(args.api_workers)] if args.api_workers else []
    server = subprocess.Popen(
        [str(BIN / "jobboard"), "api", "--port", str(port), *workers],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        base_url = f"http://127.0.0.1:{port}"
        paths = [path for path in queries(args.rows) if args.only is None or args.only in path]
        first, sizes_kb, statuses, etags = {}, {}, {}, {}
        for path in paths:
            began = time.perf_counter()
            response = requests.get(base_url + path, timeout=600)
            first[path] = round((time.perf_counter() - began) * 1000, 1)
            # Without scores, the scores endpoint's one-board actions are 404s.
            assert response.status_code in (200, 404), (path, response.text)
            statuses[path] = response.status_code
            sizes_kb[path] = round(len(response.content) / 1024, 1)
            if response.status_code == 200:
                etags[path] = response.headers["etag"]
        load_before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
        concurrent = hammer(base_url, paths, args.clients, args.rounds, statuses, None)
        load_after = os.getloadavg()[0]
        alone = hammer(base_url, paths, 1, 3, statuses, None)  # service time, no queueing
        revalidated = hammer(
            base_url, paths, args.clients, max(1, args.rounds // 4), statuses, etags
        )
        api_rss = peak_rss_of(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    per_query = {
        path: {
            "status": statuses[path],
            "first_ms": first[path],
            "body_kb": sizes_kb[path],
            **percentiles(concurrent[path]),
            "one_client": percentiles(alone[path]),
            "revalidated_304": percentiles(revalidated[path]),
        }
        for path in paths
    }
    everything = [latency for values in concurrent.values() for latency in values]
    print(
        f"{platform.backend}: {'query':<52} {'first':>8} {'p50':>7} {'p95':>7} {'max':>7} {'KB':>8}"
    )
    for path, row in per_query.items():
        print(
            f"{platform.backend}: {path:<52} {row['first_ms']:>8} {row['p50_ms']:>7} "
            f"{row['p95_ms']:>7} {row['max_ms']:>7} {row['body_kb']:>8}"
        )
    overall = percentiles(everything)
    one_client = percentiles([latency for values in alone.values() for latency in values])
    print(f"{platform.backend}: every query from one client at a time: {one_client}")
    load = [round(load_before, 1), round(load_after, 1)]
    print(
        f"{platform.backend}: all queries: {overall}, API peak RSS {api_rss} MB, "
        f"load average {load[0]} -> {load[1]} on {os.cpu_count()} CPUs"
    )
    return {
        "sizes": sizes,
        "queries": per_query,
        "all": overall,
        "one_client": one_client,
        "api_peak_rss_mb": api_rss,
        "load_average": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--boards", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--data",
        type=Path,
        help="keep the loaded warehouses here (PostgreSQL: a database named after the size) "
        "and reuse them on the next run instead of loading again",
    )
    parser.add_argument(
        "--api-workers",
        type=int,
        help="`jobboard api --workers N` (default: the server's own, one per CPU)",
    )
    parser.add_argument(
        "--only", help="measure only the queries whose path contains this (e.g. action=history)"
    )
    add_backend_option(parser)
    args = parser.parse_args()

    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        registry = Path(scratch) / "boards.yaml"
        registry.write_text("boards: []\n")
        for backend in backend_choices(args.backend):
            with platforms(backend, registry) as made:
                figures[backend] = measure(made.fresh(Path(scratch) / backend), args)
    if len(figures) == 2:
        ratio = figures["postgres"]["all"]["p95_ms"] / max(figures["sqlite"]["all"]["p95_ms"], 0.1)
        print(f"p95 over every query, postgres / sqlite: {ratio:.2f}")
    write_results(
        "api",
        {
            "rows": args.rows,
            "boards": args.boards,
            "clients": args.clients,
            "api_workers": args.api_workers or os.cpu_count(),
            "rounds": args.rounds,
            "backends": figures,
        },
    )


if __name__ == "__main__":
    main()
