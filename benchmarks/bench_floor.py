"""The floor, side by side: one simulated day of 33 boards, bare Python vs through Dagster.

(a) bare: the same phase functions (scrape + merge + snapshot per board, then lifespans,
    reposts, scores) called from one plain Python process, no Dagster at all;
(b) `jobboard run`: one pipeline execution through Dagster on the embedded instance (two runs
    executed in-process, events stored, mirrored into pipeline_runs);
(c) the schedule's path: the same two runs, each in a fresh run-worker process as the daemon
    launches them (`dagster job execute`), plus the run_mirror.

Each measurement runs in a fresh process on a fresh warehouse and Dagster home; the simulator
runs in its own process and is warmed up first (its first request for a day generates it).
Run: `.venv/bin/python benchmarks/bench_floor.py [--repeats 3] [--boards 33] [--backend both]`;
on PostgreSQL the warehouse and the Dagster instance (the shipped dagster.yaml) both use it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (
    BIN,
    add_backend_option,
    backend_choices,
    board_slugs,
    peak_rss_mb,
    pipeline_execution,
    platforms,
    run_child,
    simulator,
    spread,
    write_results,
)

DAY = date(2026, 3, 2)
VARIANTS = ("bare", "jobboard_run", "schedule_path")


def bare(registry: Path) -> dict[str, float]:
    """All five phases with no orchestrator: the work itself."""
    from concurrent.futures import ThreadPoolExecutor

    from jobboard_assets import config
    from jobboard_assets.metrics.belief import SuspectRule
    from jobboard_assets.pipeline import lifespans, posting_history, reposts, scores
    from jobboard_assets.pipeline.board_day import PARALLEL_BOARDS, process_board_days
    from jobboard_assets.sources.http import PoliteHttpClient
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse import migrate
    from jobboard_assets.warehouse.db import make_engine, session_scope
    from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards

    started = time.perf_counter()
    engine = make_engine(config.database_url())
    migrate.ensure_current(engine)
    boards = load_registry(registry)
    with session_scope(engine) as session:
        sync_boards(session, boards)
        ids = board_ids_by_slug(session)
    rule = SuspectRule()
    with PoliteHttpClient() as client, ThreadPoolExecutor(PARALLEL_BOARDS) as pool:
        results = list(
            pool.map(
                lambda board: process_board_days(
                    engine, ids[board.slug], board, board.slug, [DAY], client, rule
                ),
                boards,
            )
        )
    failures = [failure for _, board_failures in results for failure in board_failures]
    if failures:
        raise RuntimeError(f"bare run failed: {failures[:3]}")
    scraped = time.perf_counter()
    postings = posting_history.PostingHistory(engine)
    lifespans.update_lifespans(postings, [DAY])
    reposts.update_reposts(postings, [DAY])
    scores.update_scores(postings, [DAY])
    done = time.perf_counter()
    return {
        "seconds": done - started,
        "scrape_seconds": scraped - started,
        "history_seconds": done - scraped,
    }


def jobboard_run(registry: Path) -> dict[str, float]:
    """What `jobboard run --date DAY` does, timed from the start of the work."""
    run, seconds = pipeline_execution(DAY, DAY)
    if run["status"] != "completed":
        raise RuntimeError(f"jobboard run ended {run['status']}: {run['errors'][:3]}")
    return {"seconds": seconds}


def schedule_path(registry: Path) -> dict[str, float]:
    """The two runs in fresh run-worker processes, as the daemon launches them."""
    import os
    import subprocess

    from dagster import DagsterInstance

    from jobboard_assets import config
    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.launch.execute import sync_registry
    from jobboard_assets.lib import run_mirror
    from jobboard_assets.lib.ranges import board_range_tags, day_range_tags
    from jobboard_assets.lib.tags import EXECUTION_TAG
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse.db import make_engine

    started = time.perf_counter()
    ensure_dagster_home()
    engine = make_engine(config.database_url())
    with DagsterInstance.get() as instance:
        enabled = sync_registry(instance, engine, load_registry(registry))
        for job, tags in (
            ("scrape_boards", board_range_tags(enabled, DAY, DAY)),
            ("daily_history", day_range_tags(DAY, DAY)),
        ):
            subprocess.run(
                [
                    BIN / "dagster",
                    "job",
                    "execute",
                    "-m",
                    "jobboard_assets.definitions",
                    "-j",
                    job,
                    "--tags",
                    json.dumps({**tags, EXECUTION_TAG: "bench"}),
                ],
                check=True,
                capture_output=True,
                env=os.environ,
            )
        (run,) = run_mirror.mirror_executions(instance, engine, ["bench"])
    if run["status"] != "completed":
        raise RuntimeError(f"schedule path ended {run['status']}: {run['errors'][:3]}")
    return {"seconds": time.perf_counter() - started}


def child(variant: str, registry: Path) -> None:
    figures = {"bare": bare, "jobboard_run": jobboard_run, "schedule_path": schedule_path}[variant](
        registry
    )
    print(json.dumps({**figures, "rss_mb": peak_rss_mb()}))


def warm_up(registry: Path) -> None:
    """Fetch every board once so the simulator has generated the day before timing starts."""
    from jobboard_assets.sources.fetch import scrape_board
    from jobboard_assets.sources.http import PoliteHttpClient
    from jobboard_assets.sources.registry import load_registry

    with PoliteHttpClient() as client:
        for board in load_registry(registry):
            scrape_board(board, DAY, client)


def measure_variants(
    backend: str, registry: Path, scratch: Path, repeats: int
) -> dict[str, dict[str, object]]:
    """Every variant on one backend, each attempt on a fresh platform in a fresh process."""
    results: dict[str, dict[str, Any]] = {}
    with platforms(backend, registry) as made:
        for variant in VARIANTS:
            runs, sessions = [], []
            for attempt in range(repeats):
                platform = made.fresh(scratch / f"{backend}-{variant}-{attempt}")
                runs.append(
                    run_child([__file__, "--child", variant, str(registry)], platform.env())
                )
                sessions.append(platform.postgres_sessions())
            results[variant] = {
                **({"postgres_sessions_opened": sessions[-1]} if backend == "postgres" else {}),
                "seconds": spread([run["seconds"] for run in runs]),
                "process_seconds": spread([run["process_seconds"] for run in runs]),
                "peak_rss_mb": max(run["rss_mb"] for run in runs),
                **(
                    {
                        "scrape_seconds": spread([r["scrape_seconds"] for r in runs]),
                        "history_seconds": spread([r["history_seconds"] for r in runs]),
                    }
                    if variant == "bare"
                    else {}
                ),
            }
            print(
                f"{backend:<8} {variant:<14} work {results[variant]['seconds']}  whole process "
                f"{results[variant]['process_seconds']}  peak RSS "
                f"{results[variant]['peak_rss_mb']} MB  {sessions[-1] or ''}"
            )
    return results


def median(results: dict[str, dict[str, Any]], variant: str, measure: str) -> float:
    return float(results[variant][measure]["median"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--boards", type=int, default=33)
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "REGISTRY"))
    add_backend_option(parser)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    by_backend: dict[str, dict[str, dict[str, object]]] = {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        simulator(args.boards, directory=Path(scratch)) as registry,
    ):
        warm_up(registry)
        for backend in backend_choices(args.backend):
            by_backend[backend] = measure_variants(backend, registry, Path(scratch), args.repeats)
        boards = len(board_slugs(registry))
    ratios = {
        backend: {
            measure: {
                variant: round(
                    median(results, variant, measure) / median(results, "bare", measure), 2
                )
                for variant in VARIANTS[1:]
            }
            for measure in ("seconds", "process_seconds")
        }
        for backend, results in by_backend.items()
    }
    print(f"ratio to the bare floor (medians; work / whole process): {ratios}")
    postgres_over_sqlite = (
        {
            variant: round(
                median(by_backend["postgres"], variant, "seconds")
                / median(by_backend["sqlite"], variant, "seconds"),
                2,
            )
            for variant in VARIANTS
        }
        if len(by_backend) == 2
        else {}
    )
    if postgres_over_sqlite:
        print(f"PostgreSQL / SQLite (work, medians): {postgres_over_sqlite}")
    write_results(
        "floor",
        {
            "day": DAY,
            "boards": boards,
            "repeats": args.repeats,
            "backends": by_backend,
            "ratio_to_bare": ratios,
            "postgres_over_sqlite": postgres_over_sqlite,
        },
    )


if __name__ == "__main__":
    main()
