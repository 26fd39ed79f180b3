"""What applying one board-day costs as the history grows, and a backfill day behind it.

The warehouse write of scrape and snapshot alone (`apply_board_day`: spans around the day, derived
history, snapshot), on SQLite, with the simulated market's listings built in process (no HTTP,
no parsing): days B+1..N applied in order as daily runs, then days 1..B as a backfill behind
them, then one day re-applied. Prints the median seconds per board-day on the first daily days
(B+2..B+6: the first one only inserts) and on the last 5, their ratio (the history-length cost,
goal <= 1.3), a backfill day's and a re-run's (same listing: nothing to write), and the mean
CPU time per board-day over all of them (many boards on few days show what grows with the boards
of a day). Run: `.venv/bin/python benchmarks/bench_board_day.py [--boards 12] [--days 90]
[--backfill 10]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import peak_rss_mb, write_results
from jobboard_assets.metrics.belief import SuspectRule
from jobboard_assets.pipeline.board_day import apply_board_day
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.served_posting import Posting
from jobboard_assets.sources.normalize import make_record
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards

FIRST_DAY = date(2026, 1, 5)
EDGE_DAYS = 5  # days averaged at each end of the history


def record(posting: Posting, day: date) -> PostingRecord:
    stamp = posting.board_date_on(day)
    return make_record(
        external_id=posting.external_id,
        title=posting.title,
        company=posting.company,
        location=posting.location.name,
        posted_at=datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=12)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--backfill", type=int, default=10)
    args = parser.parse_args()
    market = SimulatedMarket(seed=42, n_boards=args.boards)
    boards = [
        BoardConfig(slug=b.slug, name=b.name, kind=b.kind, url="https://sim.test")
        for b in market.boards
    ]
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{directory}/warehouse.db")
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            sync_boards(session, boards)
            ids = board_ids_by_slug(session)

        cpu: list[float] = []

        def apply_day(day: date) -> float:
            """Seconds per board-day of applying every board's listing of `day`."""
            seconds = []
            for board in boards:
                listing = [record(p, day) for p in market.postings_on(board.slug, day)]
                result = ScrapeResult(board=board, day=day, records=listing)
                started, cpu_started = time.perf_counter(), time.process_time()
                apply_board_day(engine, ids[board.slug], result, SuspectRule())
                seconds.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            return statistics.median(seconds)

        days = [FIRST_DAY + timedelta(days=n) for n in range(args.days)]
        per_day = [apply_day(day) for day in days[args.backfill :]]
        backfill = [apply_day(day) for day in days[: args.backfill]]
        rerun = apply_day(days[args.days // 2])
    first = statistics.median(per_day[1 : EDGE_DAYS + 1])
    last = statistics.median(per_day[-EDGE_DAYS:])
    figures = {
        "boards": args.boards,
        "days": args.days,
        "postings_per_board_day": round(
            statistics.mean(len(market.postings_on(b.slug, days[-1])) for b in boards), 1
        ),
        "seconds_per_board_day_first_days": round(first, 4),
        "seconds_per_board_day_last_days": round(last, 4),
        "last_vs_first": round(last / first, 2),
        "seconds_per_board_day_backfill": round(statistics.median(backfill), 4),
        "seconds_per_board_day_rerun": round(rerun, 4),
        # CPU, not wall time: what a shared machine does not inflate.
        "cpu_ms_per_board_day": round(1000 * statistics.mean(cpu), 1),
        "rss_mb": peak_rss_mb(),
    }
    print(figures)
    write_results("board_day", figures)


if __name__ == "__main__":
    main()
