"""Metrics at scale through the warehouse: 1M postings and 10M posting-days of snapshots.

Loads a synthetic history (the generator of `bench_metrics.py`: 1,000 boards, reposts,
evergreens) into a fresh SQLite warehouse, plus one snapshot row per board-day whose posting
counts add up to 10M posting-days, then times:

- the floor: reading the rows the phases read (`postings_frame`, the snapshot counts);
- the phases as the daily history run does them (`pipeline/posting_history.py`, `pipeline/analytics.py`):
  lifespans, reposts, scores, lifespan and repost analytics, and the daily trend view;
  once right after the load (every row is new: everything is written) and then again on an
  unchanged history (the steady state: nothing to write back).

Run: `.venv/bin/python benchmarks/bench_scale.py [--rows 1000000] [--boards 1000] [--repeats 3]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_metrics import AS_OF, synthetic_boards, synthetic_postings
from benchmarks.common import peak_rss_mb, spread, write_results
from jobboard_assets.pipeline import analytics, lifespans, posting_history, reposts, scores
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets.warehouse.models import JobBoard, JobPosting, RawDataSnapshot
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets.warehouse.types import utcnow

SNAPSHOT_DAYS = 365
CHUNK = 50_000


def load(engine: Any, rows: int, boards_count: int, posting_days: int) -> dict[str, int]:
    """Write boards, postings and snapshot rows with plain executemany in chunks."""
    boards = synthetic_boards(boards_count)
    postings = synthetic_postings(rows, boards)
    now = utcnow()
    board_rows = (
        boards.select("id", "slug", "name", "category", "industry")
        .with_columns(
            kind=pl.lit("greenhouse"),
            url=pl.format("http://127.0.0.1/{}", pl.col("slug")),
            enabled=pl.lit(True),
            options=pl.lit("{}"),
        )
        .to_dicts()
    )
    per_snapshot = max(1, posting_days // (boards_count * SNAPSHOT_DAYS))
    snapshots = (
        pl.DataFrame({"board": boards["id"]})
        .join(pl.DataFrame({"offset": pl.int_range(SNAPSHOT_DAYS, eager=True)}), how="cross")
        .select(
            job_board_id="board",
            board_name=pl.format("Board {}", pl.col("board")),
            snapshot_date=pl.lit(AS_OF) - pl.duration(days=pl.col("offset")),
            posting_count=pl.lit(per_snapshot),
            new_postings=pl.lit(per_snapshot // 10),
            active_postings=pl.lit(per_snapshot),
            disappeared_postings=pl.lit(per_snapshot // 10),
            repost_count=pl.lit(0),
        )
    )
    with engine.begin() as connection:
        connection.execute(
            JobBoard.__table__.insert(),
            [{**b, "options": {}, "created_at": now, "updated_at": now} for b in board_rows],
        )
        for frame, table, extra in (
            (
                postings.with_columns(repost_count=pl.lit(0)),
                JobPosting.__table__,
                {"created_at": now, "updated_at": now},
            ),
            (snapshots, RawDataSnapshot.__table__, {"created_at": now, "data": {"stats": {}}}),
        ):
            for start in range(0, frame.height, CHUNK):
                chunk = [{**row, **extra} for row in frame.slice(start, CHUNK).to_dicts()]
                connection.execute(table.insert(), chunk)
    return {
        "postings": postings.height,
        "snapshot_rows": snapshots.height,
        "posting_days": int(snapshots["posting_count"].sum()),
    }


def timed(step: Callable[[], Any], repeats: int) -> dict[str, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return spread(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--boards", type=int, default=1_000)
    parser.add_argument("--posting-days", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'warehouse.db'}")
        migrate.upgrade(engine)
        started = time.perf_counter()
        sizes = load(engine, args.rows, args.boards, args.posting_days)
        print(f"loaded {sizes} in {time.perf_counter() - started:.1f}s")
        days = [AS_OF]

        def read_all() -> None:
            postings_frame(engine)
            with engine.connect() as connection:
                pl.read_database(
                    "SELECT job_board_id, snapshot_date, posting_count, new_postings, "
                    "active_postings, disappeared_postings FROM raw_data_snapshots",
                    connection,
                )

        def recompute() -> None:
            postings = posting_history.PostingHistory(engine)  # what one history run shares
            lifespans.update_lifespans(postings, days)
            reposts.update_reposts(postings, days)
            scores.update_scores(postings, days)
            analytics.update_lifespan_metrics(postings, days)
            analytics.update_repost_frequency(postings, days)
            with engine.connect() as connection:
                pl.read_database("SELECT * FROM daily_lifespan_trends", connection)

        read = timed(read_all, args.repeats)
        print(f"read postings + snapshots: {read}")
        first = timed(recompute, 1)
        print(f"first recompute (writes every lifespan and cluster): {first}")
        steady = timed(recompute, args.repeats)
        print(f"recompute on an unchanged history: {steady}")
        ratio = round(steady["median"] / read["median"], 2)
        print(f"recompute / read (medians): {ratio}   peak RSS {peak_rss_mb()} MB")
    write_results(
        "scale",
        {
            **sizes,
            "boards": args.boards,
            "repeats": args.repeats,
            "read_seconds": read,
            "first_recompute_seconds": first,
            "recompute_seconds": steady,
            "recompute_over_read": ratio,
            "peak_rss_mb": peak_rss_mb(),
            "as_of": AS_OF,
            "snapshot_days": SNAPSHOT_DAYS,
            "note": "snapshot rows carry counts, not the full listing JSON (the metrics read counts)",
        },
    )


if __name__ == "__main__":
    main()
