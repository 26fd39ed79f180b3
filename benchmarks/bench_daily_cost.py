"""The daily run on top of 1 year and of 3 years of history of 100 boards, on both backends.

Issue 14's first requirement: a day's cost must not grow with the history behind it. For each
history length the benchmark

1. builds the history with the simulator's bulk path (`jobboard_assets.sim.bulk`: every board
   observed on every day up to the day before yesterday, written straight into the warehouse),
2. runs the two days before today through the real pipeline (`jobboard run`: scrape against
   the simulator on loopback, then the history run), as an operator's last runs would have (the
   first assigns the repost clusters of the whole bulk history and writes the postings copy the
   history run keeps, `pipeline/frame_cache.py`; the bulk rows are stamped with the wall-clock
   time of their last sighting's run, as daily runs would have left them), and
3. times today's `jobboard run` (scrape + history through the real Dagster jobs, in-process as
   the CLI does) on `--repeats` copies of that platform, each in a fresh process: seconds, peak
   RSS of that process, the Dagster events stored per run and per board-day, and on PostgreSQL
   the sessions opened on the warehouse and on the Dagster instance; then, on the last copy,
   what the kept listings (`board_day_listings`) weigh and cost to read, and how the database
   answers `max(listing_date)`.

Both histories end on the same day and the simulator serves the same market, so the measured
day scrapes the same listing; only the history behind it differs. Prints min / median / max, the
3y / 1y ratio of medians (goal <= 1.2) and writes `benchmarks/results/daily_cost.json`.

Run: `.venv/bin/python benchmarks/bench_daily_cost.py [--repeats 3] [--boards 100]
[--years 1 3] [--backend both]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from jobboard_assets.config import FRAME_CACHE_RECHECK_ENV
from jobboard_assets.sim.market import DEFAULT_EPOCH

if TYPE_CHECKING:
    import polars as pl

SEED = 42  # the simulator's default, which `common.simulator` serves
YEAR_DAYS = 365
CHUNK = 20_000
RECHECK_SECONDS = 20


def measured_day(longest_years: int) -> date:
    """Today: the longest history starts on the market's epoch (before it the boards are empty)."""
    return DEFAULT_EPOCH + timedelta(days=longest_years * YEAR_DAYS)


# --- children: each runs in a fresh process on one platform (its environment) ----------------


def child_load(first: date, last: date, boards: int, today: date) -> None:
    """Write the bulk history of [first, last] into the platform's warehouse, with the repost
    clusters and the stamps that daily runs ending on `today` would have left: without them the
    first live day would write every clustered posting at once (118k rows at 3 years), and the
    measured day would read and check those writes as its own."""
    import polars as pl
    from sqlalchemy import bindparam, insert

    from jobboard_assets import config
    from jobboard_assets.sim.bulk import observed_history
    from jobboard_assets.sim.market import SimulatedMarket
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse import migrate
    from jobboard_assets.warehouse.db import make_engine, session_scope
    from jobboard_assets.warehouse.models import (
        JobPosting,
        PostingEvent,
        PostingSpan,
        RawDataSnapshot,
    )
    from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards
    from jobboard_assets.warehouse.types import utcnow

    started = time.perf_counter()
    engine = make_engine(config.database_url())
    migrate.upgrade(engine)
    registry = load_registry(config.boards_file())
    names = {board.slug: board.name for board in registry}
    with session_scope(engine) as session:
        sync_boards(session, list(registry))
        ids = board_ids_by_slug(session)
    now = utcnow()

    def stamp(day: date) -> datetime:
        """The wall-clock time of the run of `day`, `today` being now. The simulated days lie in
        the future (3 years after the market's epoch): stamped on their own dates, the bulk rows
        would be newer than every live run's writes, and every day's run would read all postings
        again (`pipeline.frame_cache`), which no real warehouse does."""
        return now - timedelta(days=(today - day).days)

    sizes: Counter[str] = Counter()
    market = SimulatedMarket(seed=SEED, n_boards=boards)
    for slug, postings, counts in observed_history(market, first, last):
        board_id = ids[slug]
        rows = postings.to_dicts()
        for row in rows:
            # Stamped when a daily run would have written them last: on their last sighting.
            row.update(
                job_board_id=board_id,
                repost_count=0,
                created_at=stamp(row["first_seen"]),
                updated_at=stamp(row["last_seen"]),
            )
        with engine.begin() as connection:
            posting_ids: dict[str, int] = {}
            for start in range(0, len(rows), CHUNK):
                returned = connection.execute(
                    insert(JobPosting).returning(JobPosting.external_id, JobPosting.id),
                    rows[start : start + CHUNK],
                )
                posting_ids.update(dict(returned.all()))
            clusters = _clusters(
                postings.with_columns(
                    id=postings["external_id"].replace_strict(posting_ids, return_dtype=pl.Int64),
                    job_board_id=pl.lit(board_id),
                )
            )
            if clusters.height:
                connection.execute(
                    JobPosting.__table__.update()
                    .where(JobPosting.id == bindparam("posting_id"))
                    .values(
                        repost_cluster_id=bindparam("cluster_id"),
                        repost_count=bindparam("count"),
                        updated_at=bindparam("stamp"),
                    ),
                    [{**row, "stamp": stamp(row.pop("stamp_day"))} for row in clusters.to_dicts()],
                )
            spans, events = [], []
            for row in rows:
                posting_id = posting_ids[row["external_id"]]
                spans.append(
                    {
                        "job_posting_id": posting_id,
                        "job_board_id": board_id,
                        "first_day": row["first_seen"],
                        "last_day": row["last_seen"],
                    }
                )
                events.append(_event(posting_id, "appeared", row["first_seen"], None, now))
                if row["disappeared_at"] is not None:
                    events.append(
                        _event(posting_id, "disappeared", row["disappeared_at"], "not listed", now)
                    )
            snapshots = [
                {
                    "job_board_id": board_id,
                    "board_name": names[slug],
                    "snapshot_date": day["day"],
                    "posting_count": day["listed"],
                    "new_postings": day["new"],
                    "active_postings": day["listed"],
                    "disappeared_postings": day["disappeared"],
                    "repost_count": 0,
                    "data": {"stats": {"posting_count": day["listed"]}},
                }
                for day in counts.to_dicts()
            ]
            for model, values in (
                (PostingSpan, spans),
                (PostingEvent, events),
                (RawDataSnapshot, snapshots),
            ):
                for start in range(0, len(values), CHUNK):
                    connection.execute(insert(model), values[start : start + CHUNK])
        sizes.update(postings=len(rows), events=len(events), snapshots=len(snapshots))
    if engine.dialect.name == "postgresql":
        # Years of daily writes have been through autovacuum's ANALYZE; a bulk load minutes old
        # has not, and the planner would guess at tables of millions of rows.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(json.dumps({**sizes, "seconds": time.perf_counter() - started}))


def _clusters(postings: pl.DataFrame) -> pl.DataFrame:
    """`posting_id`, `cluster_id`, `count` and `stamp_day` of every clustered posting, as the reposts phase
    assigns them; a member was last written on its last sighting or when its cluster last grew."""
    import polars as pl

    from jobboard_assets.metrics.repost_chains import repost_links

    return (
        repost_links(postings)
        .filter(pl.col("repost_cluster_id").is_not_null())
        .join(postings.select("id", "first_seen", "last_seen"), on="id")
        .with_columns(grown=pl.col("first_seen").max().over("repost_cluster_id"))
        .select(
            posting_id="id",
            cluster_id="repost_cluster_id",
            count="repost_count",
            stamp_day=pl.max_horizontal("last_seen", "grown"),
        )
    )


def _event(posting_id: int, kind: str, day: date, notes: str | None, now: Any) -> dict[str, Any]:
    return {
        "job_posting_id": posting_id,
        "event_type": kind,
        "event_date": day,
        "notes": notes,
        "created_at": now,
    }


def child_day(day: date) -> None:
    """`jobboard run` for one day in this process, with the events its Dagster runs stored."""
    from dagster import AssetKey, DagsterInstance

    run, seconds = pipeline_execution(day, day)
    rss = peak_rss_mb()
    with DagsterInstance.get() as instance:
        lifespans = instance.get_latest_materialization_event(AssetKey("posting_lifespans"))
        read = {
            key: value.value
            for key, value in (
                lifespans.asset_materialization.metadata
                if lifespans and lifespans.asset_materialization
                else {}
            ).items()
            if key.startswith("postings_")
        }
        runs = {}
        for run_id in run["dagster_run_ids"]:
            dagster_run = instance.get_run_by_id(run_id)
            stats = instance.get_run_stats(run_id)
            events = Counter(
                entry.dagster_event_type.value if entry.dagster_event_type else "log"
                for entry in instance.all_logs(run_id)
            )
            runs[dagster_run.job_name if dagster_run else run_id] = {
                "seconds": round((stats.end_time or 0) - (stats.start_time or 0), 3),
                "events": sum(events.values()),
                "by_type": dict(events.most_common()),
            }
    figures = {
        "seconds": seconds,
        "status": run["status"],
        "jobs": run["total_jobs"],
        "failed_jobs": run["failed_jobs"],
        "rss_mb": rss,
        "runs": runs,
        "postings_read": read,  # the history run's read: the copy and the rows re-read
    }
    print(json.dumps(figures))


def child_listings(boards: int) -> None:
    """What keeping every fetched listing costs (`board_day_listings`, docs/history.md): its rows
    and bytes per board-day, read from the live days' rows (the bulk history keeps none), a
    year of them extrapolated (one row per board per fetched day), the seconds to read one back
    (a board-day reads its board's kept listings within twice the tracking gap), and how the
    database answers `max(listing_date)` (`listings.latest_fetched_day`, once per history run)."""
    from sqlalchemy import func, select, text

    from jobboard_assets import config
    from jobboard_assets.warehouse.db import make_engine, session_scope
    from jobboard_assets.warehouse.models import BoardDayListing
    from jobboard_assets.warehouse.queries import listings

    engine = make_engine(config.database_url())
    postgres = engine.dialect.name == "postgresql"
    data_bytes = "pg_column_size(data)" if postgres else "length(CAST(data AS BLOB))"
    latest = select(func.max(BoardDayListing.listing_date))
    sql = str(latest.compile(engine, compile_kwargs={"literal_binds": True}))
    with session_scope(engine) as session:
        rows, stored = session.execute(
            text(f"SELECT count(*), sum({data_bytes}) FROM board_day_listings")
        ).one()
        snapshot_bytes = session.scalar(
            text(f"SELECT sum({data_bytes}) FROM raw_data_snapshots WHERE data LIKE '%postings%'")
            if not postgres
            else text(f"SELECT sum({data_bytes}) FROM raw_data_snapshots WHERE data ? 'postings'")
        )
        table_bytes = session.scalar(
            text("SELECT pg_total_relation_size('board_day_listings')")
            if postgres
            else text("SELECT sum(pgsize) FROM dbstat WHERE name = 'board_day_listings'")
        )
        plan = [
            " ".join(str(column) for column in row)
            for row in session.execute(
                text(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql)
            )
        ]
        started = time.perf_counter()
        session.execute(latest).scalar()
        latest_seconds = time.perf_counter() - started
        board_ids = session.scalars(select(BoardDayListing.job_board_id).distinct()).all()
        started = time.perf_counter()
        read = sum(len(listings.listed_ids(session, board_id)) for board_id in board_ids)
        read_seconds = time.perf_counter() - started
    per_row = stored / rows
    print(
        json.dumps(
            {
                "rows": rows,
                "data_bytes_per_row": round(per_row),
                "table_bytes_per_row": round(table_bytes / rows),
                "snapshot_listing_bytes": snapshot_bytes,
                "rows_per_year": boards * YEAR_DAYS,
                "table_gb_per_year": round(table_bytes / rows * boards * YEAR_DAYS / 1e9, 2),
                "read_seconds_per_listing": round(read_seconds / read, 4),
                "max_listing_date_plan": plan,
                "max_listing_date_seconds": round(latest_seconds, 5),
            }
        )
    )


# --- the parent: platforms, repeats, figures ---------------------------------------------------


def prepare(made: Platforms, scratch: Path, years: int, day: date, boards: int) -> BenchPlatform:
    """A platform holding `years` of history up to the day before `day`, its last day run live."""
    platform = made.fresh(scratch / f"{made.backend}-{years}y")
    first = day - timedelta(days=years * YEAR_DAYS)
    live_days = [day - timedelta(days=n) for n in (2, 1)]
    loaded = run_child(
        [
            __file__,
            "--child-load",
            first.isoformat(),
            (live_days[0] - timedelta(days=1)).isoformat(),
            str(boards),
            day.isoformat(),
        ],
        _env(platform),
    )
    print(
        f"{made.backend} {years}y: bulk history {first}..{live_days[0] - timedelta(days=1)}: "
        f"{loaded['postings']:,} postings, {loaded['events']:,} events, "
        f"{loaded['snapshots']:,} snapshots in {loaded['seconds']:.0f}s"
    )
    for number, live_day in enumerate(live_days):
        if number:
            # An operator's days are a day apart, these seconds: without the pause the next run
            # would re-read the previous run's writes as possibly late commits (`_env`).
            time.sleep(RECHECK_SECONDS + 1)
        live = run_child([__file__, "--child-day", live_day.isoformat()], _env(platform))
        print(
            f"{made.backend} {years}y: {live_day} through the pipeline: "
            f"{live['seconds']:.1f}s, {live['status']}"
        )
    return platform


def _env(platform: BenchPlatform) -> dict[str, str]:
    """The platform's environment, with the postings copy's recheck margin at `RECHECK_SECONDS`:
    the benchmark runs its days seconds to minutes apart (an operator's are a day apart), so the
    default 5 minutes would read the previous days' writes again, which a real day never does."""
    return {**platform.env(), FRAME_CACHE_RECHECK_ENV: str(RECHECK_SECONDS)}


def measure(
    made: Platforms, base: BenchPlatform, scratch: Path, day: date, repeats: int, boards: int
) -> dict:
    """Today's run (`boards` board-days) on `repeats` copies of `base`, each in a fresh process."""
    runs, sessions = [], []
    for attempt in range(repeats):
        platform = made.clone(base, scratch / f"{base.directory.name}-today-{attempt}")
        result = run_child([__file__, "--child-day", day.isoformat()], _env(platform))
        if result["status"] != "completed":
            raise RuntimeError(f"{day} ended {result['status']}")
        runs.append(result)
        sessions.append(platform.postgres_sessions())
    kept = run_child([__file__, "--child-listings", str(boards)], _env(platform))
    scrape = runs[-1]["runs"].get("scrape_boards", {})
    return {
        "seconds": spread([r["seconds"] for r in runs]),
        "process_seconds": spread([r["process_seconds"] for r in runs]),
        "scrape_run_seconds": spread([r["runs"]["scrape_boards"]["seconds"] for r in runs]),
        "history_run_seconds": spread([r["runs"]["daily_history"]["seconds"] for r in runs]),
        "peak_rss_mb": max(r["rss_mb"] for r in runs),
        "board_days": boards,
        "jobs_mirrored": runs[-1]["jobs"],
        "events_per_run": {name: figures["events"] for name, figures in runs[-1]["runs"].items()},
        "scrape_events_per_board_day": round(scrape.get("events", 0) / boards, 2),
        "events_by_type": {name: figures["by_type"] for name, figures in runs[-1]["runs"].items()},
        "postings_read": runs[-1]["postings_read"],
        "kept_listings": {k: v for k, v in kept.items() if k != "process_seconds"},
        **({"postgres_sessions_opened": sessions[-1]} if made.backend == "postgres" else {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--child-load", nargs=4, metavar=("FIRST", "LAST", "BOARDS", "TODAY"))
    parser.add_argument("--child-day", metavar="DAY")
    parser.add_argument("--child-listings", metavar="BOARDS")
    add_backend_option(parser)
    args = parser.parse_args()
    if args.child_load:
        first, last, boards, today = args.child_load
        child_load(
            date.fromisoformat(first),
            date.fromisoformat(last),
            int(boards),
            date.fromisoformat(today),
        )
        return
    if args.child_day:
        child_day(date.fromisoformat(args.child_day))
        return
    if args.child_listings:
        child_listings(int(args.child_listings))
        return

    years = sorted(args.years)
    day = measured_day(years[-1])
    figures: dict[str, dict[str, Any]] = {}
    with (
        tempfile.TemporaryDirectory() as scratch_name,
        simulator(args.boards, seed=SEED, directory=Path(scratch_name)) as registry,
    ):
        scratch = Path(scratch_name)
        for backend in backend_choices(args.backend):
            figures[backend] = {}
            with platforms(backend, registry) as made:
                for length in years:
                    base = prepare(made, scratch, length, day, args.boards)
                    result = measure(made, base, scratch, day, args.repeats, args.boards)
                    figures[backend][f"{length}y"] = result
                    print(
                        f"{backend} {length}y: today {result['seconds']} s (scrape run "
                        f"{result['scrape_run_seconds']['median']} s, history run "
                        f"{result['history_run_seconds']['median']} s), peak RSS "
                        f"{result['peak_rss_mb']} MB, events {result['events_per_run']} "
                        f"({result['scrape_events_per_board_day']} per board-day in the scrape), "
                        f"postings read {result['postings_read']}, kept listings "
                        f"{result['kept_listings']}"
                        + (
                            f", sessions {result['postgres_sessions_opened']}"
                            if backend == "postgres"
                            else ""
                        )
                    )
            shortest, longest = f"{years[0]}y", f"{years[-1]}y"
            ratio = round(
                figures[backend][longest]["seconds"]["median"]
                / figures[backend][shortest]["seconds"]["median"],
                2,
            )
            figures[backend]["ratio"] = ratio
            print(f"{backend}: {longest} / {shortest} (medians): {ratio}  (goal <= 1.2)")
    if len(figures) == 2:
        print(
            "PostgreSQL / SQLite (medians): "
            + ", ".join(
                f"{length}y {figures['postgres'][f'{length}y']['seconds']['median'] / figures['sqlite'][f'{length}y']['seconds']['median']:.2f}x"
                for length in years
            )
        )
    write_results(
        "daily_cost",
        {"boards": args.boards, "day": day, "repeats": args.repeats, "backends": figures},
    )


if __name__ == "__main__":
    main()
