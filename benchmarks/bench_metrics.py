"""Time recomputing every metric and score on 1,000,000 synthetic postings over 1,000 boards.

Run: `.venv/bin/python benchmarks/bench_metrics.py [--rows N] [--boards B] [--repeats R]`.
Prints min / median / max seconds per step and for the whole recompute, and peak RSS; writes
`benchmarks/results/metrics.json`. Not a test: nothing asserts, it measures.

The frame is built vectorised with polars (numpy is not installed): jobs with board-specific
lifespans, a share of evergreen postings that never close, and chains of 1-4 postings per job
(reposts after a gap), so the repost and survival code paths do real work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from jobboard_assets.metrics import (
    chronic_reposters,
    daily_trend,
    efficiency_scores,
    fake_freshness_summary,
    lifespan_days,
    lifespan_distribution,
    lifespan_ranking,
    lifespan_summary,
    posting_survival_curve,
    repost_frequency,
    repost_links,
)
from jobboard_assets.metrics.settings import Window

AS_OF = date(2025, 6, 30)
TRACKING_START = AS_OF - timedelta(days=365)
RESULTS = Path(__file__).parent / "results" / "metrics.json"
TITLES = [
    ("senior data engineer", "data"),
    ("data analyst", "data"),
    ("machine learning engineer", "data"),
    ("backend engineer", "engineering"),
    ("frontend engineer", "engineering"),
    ("senior software engineer", "engineering"),
    ("site reliability engineer", "engineering"),
    ("product designer", "design"),
    ("product manager", "product"),
    ("account executive", "sales"),
    ("growth marketing manager", "marketing"),
    ("customer support specialist", "customer_support"),
    ("operations coordinator", "operations"),
    ("financial analyst", "finance"),
    ("people partner", "people"),
    ("legal counsel", "legal"),
    ("registered nurse", "healthcare"),
    ("teacher", "education"),
    ("office manager", "other"),
    ("staff software engineer", "engineering"),
]
CITIES = ["Berlin", "Munich", "Paris", "London", "Remote", "New York", "Austin", "Toronto"]
ROLE_FAMILIES = sorted({family for _, family in TITLES})
INDUSTRIES = ["technology", "healthcare", "education", "finance", None]


def uniform(seed: int, over: str = "row") -> pl.Expr:
    """A deterministic pseudo-random number in [0, 1) per row, from a hash of `over`."""
    return (pl.col(over).hash(seed) % 1_000_003).cast(pl.Float64) / 1_000_003


def pick(choices: list[Any], seed: int, over: str = "row") -> pl.Expr:
    index = (uniform(seed, over) * len(choices)).cast(pl.Int64)
    return pl.lit(pl.Series(choices)).gather(index)


def synthetic_boards(boards: int) -> pl.DataFrame:
    """Boards with a profile: typical lifespan, evergreen share, repost propensity."""
    return (
        pl.DataFrame({"row": pl.int_range(boards, eager=True)})
        .with_columns(
            id=pl.col("row") + 1,
            slug=pl.format("board-{}", pl.col("row")),
            name=pl.format("Board {}", pl.col("row")),
            category=pick(["general", "niche", "ats"], 1),
            industry=pick(INDUSTRIES, 2),
            mean_lifespan_days=5.0 + uniform(3) * 55.0,
            evergreen_share=(uniform(4) - 0.6).clip(0.0, 1.0),
            repost_share=uniform(5) * 0.35,
            restamps_dates=uniform(6) < 0.2,
        )
        .drop("row")
    )


def synthetic_postings(rows: int, boards: pl.DataFrame) -> pl.DataFrame:
    """`rows` postings: jobs spread over the boards, each listed 1-4 times in a chain."""
    jobs = int(rows / 1.1) + 1
    tracked_days = (AS_OF - TRACKING_START).days
    chains = (
        pl.DataFrame({"row": pl.int_range(jobs, eager=True)})
        .with_columns(job_board_id=(uniform(10) * boards.height).cast(pl.Int64) + 1)
        .join(boards.rename({"id": "job_board_id"}), on="job_board_id")
        .with_columns(
            company=pl.format("Company {}", (uniform(11) * 40).cast(pl.Int64)),
            title_index=(uniform(12) * len(TITLES)).cast(pl.Int64),
            location=pick(CITIES, 13),
            opened=pl.when(uniform(14) < 0.05)
            .then(0)
            .otherwise((uniform(15) * tracked_days).cast(pl.Int64)),
            listings=1
            + (uniform(16) < pl.col("repost_share")).cast(pl.Int64)
            * (1 + (uniform(17) * 3).cast(pl.Int64)),
            evergreen=uniform(18) < pl.col("evergreen_share"),
        )
        .with_columns(job="row", listing=pl.int_ranges(0, pl.col("listings")))
        .explode("listing")
        .with_columns(row=pl.col("job") * 8 + pl.col("listing"))
        .with_columns(
            life=(-(1.0 - uniform(19)).log() * pl.col("mean_lifespan_days")).cast(pl.Int64),
            gap=(uniform(20) * 60).cast(pl.Int64),
        )
        .with_columns(
            start=pl.col("opened")
            + (pl.col("life") + pl.col("gap")).cum_sum().over("job", order_by="listing")
            - pl.col("life")
            - pl.col("gap")
        )
        .filter(pl.col("start") < tracked_days)
        .head(rows)
    )
    titles = pl.DataFrame(
        {
            "title_index": range(len(TITLES)),
            "title": [title.title() for title, _ in TITLES],
            "normalized_title": [title for title, _ in TITLES],
            "role_family": [family for _, family in TITLES],
        }
    )

    def day(offset: pl.Expr) -> pl.Expr:
        return pl.lit(TRACKING_START) + pl.duration(days=offset)

    closes = pl.col("start") + pl.col("life")
    is_active = pl.col("evergreen") | (closes >= tracked_days)
    return (
        chains.join(titles, on="title_index")
        .with_columns(is_active=is_active)
        .select(
            id=pl.int_range(1, pl.len() + 1),
            job_board_id="job_board_id",
            external_id=pl.format("ext-{}", pl.col("row")),
            title="title",
            normalized_title="normalized_title",
            company="company",
            location="location",
            role_family="role_family",
            first_seen=day(pl.col("start")),
            last_seen=pl.when(is_active).then(pl.lit(AS_OF)).otherwise(day(closes)),
            is_active=is_active,
            disappeared_at=pl.when(is_active).then(None).otherwise(day(closes + 1)),
            posted_at=pl.when(pl.col("restamps_dates") & is_active)
            .then(pl.lit(AS_OF) - pl.duration(days=(uniform(21) * 5).cast(pl.Int64)))
            .otherwise(day(pl.col("start")))
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone("UTC"),
        )
    )


def synthetic_surveys(
    boards: int, rows: int, ratings: list[str], seed: int, words: dict[str, list[str]] | None = None
) -> pl.DataFrame:
    """Survey rows over the first half of 2025: 1-10 `ratings` and one-of-`words` answers."""
    rating_columns = {
        name: 1 + (uniform(seed + 2 + i) * 10).cast(pl.Int64) for i, name in enumerate(ratings)
    }
    word_columns = {
        name: pick(choices, seed + 20 + i)
        for i, (name, choices) in enumerate((words or {}).items())
    }
    return (
        pl.DataFrame({"row": pl.int_range(rows, eager=True)})
        .with_columns(
            job_board_id=(uniform(seed) * boards).cast(pl.Int64) + 1,
            submitted_at=pl.lit(datetime(2025, 1, 1, tzinfo=UTC))
            + pl.duration(days=(uniform(seed + 1) * 180).cast(pl.Int64)),
            **rating_columns,
            **word_columns,
        )
        .drop("row")
    )


def recompute_steps(
    postings: pl.DataFrame,
    boards: pl.DataFrame,
    employer: pl.DataFrame,
    candidate: pl.DataFrame,
) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Every metric the daily run computes, in order; later steps reuse `repost_links`."""
    dates: Window = {"as_of": AS_OF, "tracking_start": TRACKING_START}
    return {
        "lifespan_days": lambda _: lifespan_days(postings),
        "lifespan_summary x2": lambda _: [
            lifespan_summary(postings, by, **dates) for by in ("job_board_id", "role_family")
        ],
        "lifespan_distribution x2": lambda _: [
            lifespan_distribution(postings, by, **dates) for by in ("job_board_id", "role_family")
        ],
        "daily_trend (board)": lambda _: daily_trend(postings, "job_board_id", as_of=AS_OF),
        "survival curves x2": lambda _: [
            posting_survival_curve(postings, by, **dates) for by in ("job_board_id", "role_family")
        ],
        "lifespan_ranking": lambda _: lifespan_ranking(postings, "job_board_id", **dates),
        "repost_links": lambda state: state.update(links=repost_links(postings)),
        "repost_frequency x2 + chronic": lambda state: [
            repost_frequency(postings, "job_board_id", links=state["links"]),
            repost_frequency(postings, "role_family", links=state["links"]),
            chronic_reposters(postings, links=state["links"]),
        ],
        "efficiency_scores": lambda state: efficiency_scores(
            postings, boards, employer, candidate, links=state["links"], **dates
        ),
        "fake_freshness_summary": lambda _: fake_freshness_summary(postings, as_of=AS_OF),
    }


def spread(times: list[float]) -> dict[str, float]:
    return {
        "min": round(min(times), 3),
        "median": round(statistics.median(times), 3),
        "max": round(max(times), 3),
    }


def _share(flags: pl.Series) -> float:
    """The share of true values (0.0 for an empty series)."""
    share = flags.cast(pl.Float64).mean()
    return share if isinstance(share, float) else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--boards", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    boards = synthetic_boards(args.boards)
    postings = synthetic_postings(args.rows, boards)
    employer = synthetic_surveys(
        args.boards,
        20_000,
        ["hiring_effectiveness"],
        seed=30,
        words={"candidate_quality": ["excellent", "good", "fair", "poor"]},
    )
    candidate = synthetic_surveys(
        args.boards,
        50_000,
        [
            "job_board_experience",
            "posting_relevance",
            "ease_of_application",
            "likelihood_recommend",
        ],
        seed=50,
    )
    board_frame = boards.select("id", "slug", "name", "category", "industry")
    build_seconds = time.perf_counter() - started

    # Other work on the machine inflates wall-clock times: record how busy it was.
    load_before = os.getloadavg()[0]
    steps = recompute_steps(postings, board_frame, employer, candidate)
    step_times: dict[str, list[float]] = {name: [] for name in steps}
    totals: list[float] = []
    for _ in range(args.repeats):
        state: dict[str, Any] = {}
        total_start = time.perf_counter()
        for name, step in steps.items():
            step_start = time.perf_counter()
            step(state)
            step_times[name].append(time.perf_counter() - step_start)
        totals.append(time.perf_counter() - total_start)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = os.getloadavg()[0]

    links = repost_links(postings)
    results = {
        "rows": postings.height,
        "boards": args.boards,
        "repeats": args.repeats,
        "active_share": round(_share(postings["is_active"]), 3),
        "clustered_share": round(_share(links["repost_count"].gt(0)), 3),
        "build_seconds": round(build_seconds, 3),
        "steps": {name: spread(times) for name, times in step_times.items()},
        "total_seconds": spread(totals),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "load_average_1min": {"before": load_before, "after": load_after},
        "polars": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    width = max(len(name) for name in steps) + 2
    print(
        f"{results['rows']:,} postings, {args.boards:,} boards, {args.repeats} repeats "
        f"(built in {build_seconds:.2f} s, polars {pl.__version__}, "
        f"{pl.thread_pool_size()} threads)"
    )
    print(f"{'step':<{width}}{'min s':>8}{'median s':>10}{'max s':>8}")
    for name, times in [*step_times.items(), ("TOTAL", totals)]:
        figures = spread(times)
        low, middle, high = figures["min"], figures["median"], figures["max"]
        print(f"{name:<{width}}{low:>8.3f}{middle:>10.3f}{high:>8.3f}")
    print(f"peak RSS {peak_rss_mb:,.0f} MB; load average {load_before:.2f} -> {load_after:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
