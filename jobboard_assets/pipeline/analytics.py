"""The lifespan and repost analytics, as of each day, per board and per role family.

The numbers come from the pure functions of `jobboard_assets.metrics`; this module cuts the
history at each day (`timeline.as_of`, what a run on that day saw), runs them once per scope
through their `by=` argument, and replaces the days' rows in the warehouse, so a re-run or a
backfill of a day writes the same rows again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import polars as pl

from jobboard_assets.metrics import repost_chains, survival
from jobboard_assets.metrics.lifespan_stats import lifespan_distribution, lifespan_summary
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings, Window
from jobboard_assets.pipeline import lifespan_references, lifespan_report, timeline
from jobboard_assets.pipeline.phase_summary import DayFigures, PhaseSummary, median_of
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.warehouse.models import (
    LifespanDistribution,
    LifespanMetric,
    RepostFrequency,
)
from jobboard_assets.warehouse.queries import analytics_tables as analytics_queries
from jobboard_assets.warehouse.queries import efficiency_scores as score_queries

BOARD = "job_board_id"
ROLE_FAMILY = "role_family"
SCOPES = (BOARD, ROLE_FAMILY)
"""A row describes one board, or one role family across every board."""

_KM_COLUMNS = ("km_median_days", "km_median_reached", "km_median_floor_days", "km_p75_days")


def _of_scope(postings: pl.DataFrame, by: str) -> pl.DataFrame:
    """The postings a scope describes: postings without a role family belong to no family."""
    return postings.filter(pl.col(by).is_not_null()) if by == ROLE_FAMILY else postings


def _in_scope(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Rows of one scope with both scope columns, the other one null, as the tables store them."""
    other = ROLE_FAMILY if by == BOARD else BOARD
    return frame.with_columns(pl.lit(None).alias(other)).with_columns(
        pl.col(BOARD).cast(pl.Int64), pl.col(ROLE_FAMILY).cast(pl.Utf8)
    )


def _per_scope(
    compute: Callable[[pl.DataFrame, str], pl.DataFrame], postings: pl.DataFrame
) -> pl.DataFrame:
    """`compute(postings of the scope, by)` for boards and role families, stacked."""
    return pl.concat(
        [_in_scope(compute(_of_scope(postings, by), by), by) for by in SCOPES], how="diagonal"
    )


def lifespan_stats(
    postings: pl.DataFrame,
    by: str,
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`lifespan_summary` per group, with the Kaplan-Meier median and p75 beside it.

    The closed-posting statistics are descriptions; the KM median counts open postings too and
    is what rankings and scores use (docs/metrics.md).
    """
    summary = lifespan_summary(
        postings, by, as_of=as_of, tracking_start=tracking_start, settings=settings
    )
    km = survival.posting_survival_summary(
        postings, by, as_of=as_of, tracking_start=tracking_start
    ).select(by, *_KM_COLUMNS)
    return summary.join(km, on=by, how="left", nulls_equal=True).with_columns(
        pl.col("km_median_reached").fill_null(False)
    )


def lifespan_metrics_of_day(
    postings: pl.DataFrame,
    day: date,
    *,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(statistics, bucket counts) of boards and role families as the history stood on `day`,
    over the postings of its metrics window (`timeline.in_window`).

    Both frames have `metric_date`, `job_board_id`, `role_family` and the columns of
    `lifespan_stats` / `lifespan_distribution`.
    """
    history = timeline.in_window(timeline.as_of(postings, day), day, settings)
    window: Window = {"as_of": day, "tracking_start": tracking_start}
    stats = _per_scope(
        lambda frame, by: lifespan_stats(frame, by, **window, settings=settings), history
    )
    buckets = _per_scope(
        lambda frame, by: lifespan_distribution(frame, by, **window, settings=settings),
        history,
    )
    dated = pl.lit(day).alias("metric_date")
    return stats.with_columns(dated), buckets.with_columns(dated)


def repost_frequency_of_day(
    postings: pl.DataFrame,
    day: date,
    *,
    links: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`repost_frequency` of boards and role families as the history stood on `day`, over the
    postings of its metrics window (`timeline.in_window`).

    Clusters are detected on that day's whole history, not read from job_postings: a repost first
    seen later must not count on an earlier day. On the newest day the two agree. `links` is
    `repost_links` of that day's history when the caller has it (`PostingHistory.links`).
    """
    history = timeline.as_of(postings, day)
    links = repost_chains.repost_links(history, settings) if links is None else links
    frequency = _per_scope(
        lambda frame, by: repost_chains.repost_frequency(frame, by, links=links, settings=settings),
        timeline.in_window(history, day, settings),
    )
    return frequency.with_columns(pl.lit(day).alias("metric_date"))


def _board_table(
    frame: pl.DataFrame, boards: pl.DataFrame, columns: dict[str, pl.Expr]
) -> pl.DataFrame:
    """One day's board rows with the board's name, as the UI shows them."""
    names = boards.select(pl.col("id").cast(pl.Int64).alias(BOARD), board=pl.col("name"))
    return (
        frame.filter(pl.col(BOARD).is_not_null())
        .join(names, on=BOARD, how="left")
        .select("board", **columns)
    )


def update_lifespan_metrics(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Compute and replace each day's `lifespan_metrics` and `lifespan_distribution` rows, the
    lifespan report the API serves (`lifespan_report`: the history as of its newest day) and
    each board's reference lifespans per role family a posting's evidence reads
    (`lifespan_references`)."""
    started = time.perf_counter()
    engine, settings = history.engine, history.settings
    postings = history.window
    results = [lifespan_metrics_of_day(postings, day, settings=settings) for day in sorted(days)]
    stats = pl.concat([stats for stats, _ in results], how="diagonal")
    buckets = pl.concat([buckets for _, buckets in results], how="diagonal")
    written = analytics_queries.replace_days(
        engine, days, {LifespanMetric: stats, LifespanDistribution: buckets}
    )
    report_rows = lifespan_report.update_lifespan_report(engine, postings, settings)
    reference_rows = lifespan_references.update_lifespan_references(engine, postings, settings)
    boards = score_queries.boards_frame(engine)
    return PhaseSummary(
        counts={
            "days": len(days),
            "rows_written": written[LifespanMetric],
            "bucket_rows_written": written[LifespanDistribution],
            "api_report_rows_written": sum(report_rows.values()),
            "reference_rows_written": reference_rows,
            "seconds": round(time.perf_counter() - started, 3),
        },
        days={
            day: _lifespan_day(stats.filter(pl.col("metric_date") == day), boards)
            for day in sorted(days)
        },
    )


def _lifespan_day(stats: pl.DataFrame, boards: pl.DataFrame) -> DayFigures:
    """A day's lifespan analytics as its partition shows them."""
    one_decimal = {
        name: pl.col(f"lifespan_{name}_days").round(1) for name in ("mean", "median", "p90")
    }
    table = _board_table(
        stats,
        boards,
        {
            "postings": pl.col("postings"),
            "open": pl.col("active_postings"),
            "closed": pl.col("exact_closed_postings"),
            **one_decimal,
            "km_median": pl.col("km_median_days"),
            "open_over_90d_pct": (100.0 * pl.col("active_share_over_90d")).round(1),
        },
    ).sort(pl.col("km_median"), "board", nulls_last=True)
    return DayFigures(
        counts={
            "rows": stats.height,
            "boards": stats[BOARD].drop_nulls().len(),
            "role_families": stats[ROLE_FAMILY].drop_nulls().len(),
            "boards_km_median_not_reached": int(
                stats.filter(pl.col(BOARD).is_not_null(), ~pl.col("km_median_reached")).height
            ),
            "median_km_median_days": median_of(table["km_median"]),
        },
        table=table,
    )


def update_repost_frequency(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Compute and replace each day's `repost_frequency` rows; each day's flagged boards."""
    started = time.perf_counter()
    engine, settings = history.engine, history.settings
    postings = history.window
    frequency = pl.concat(
        [
            repost_frequency_of_day(postings, day, links=history.links(day), settings=settings)
            for day in sorted(days)
        ],
        how="diagonal",
    )
    written = analytics_queries.replace_days(engine, days, {RepostFrequency: frequency})
    boards = score_queries.boards_frame(engine)
    return PhaseSummary(
        counts={
            "days": len(days),
            "rows_written": written[RepostFrequency],
            "seconds": round(time.perf_counter() - started, 3),
        },
        days={
            day: _repost_day(frequency.filter(pl.col("metric_date") == day), boards)
            for day in sorted(days)
        },
    )


def _repost_day(frequency: pl.DataFrame, boards: pl.DataFrame) -> DayFigures:
    """A day's repost analytics as its partition shows them."""
    table = _board_table(
        frequency,
        boards,
        {
            "postings": pl.col("postings"),
            "reposts": pl.col("reposts"),
            "clusters": pl.col("repost_clusters"),
            "repost_rate_pct": pl.col("repost_rate_pct").round(1),
            "median_gap_days": pl.col("median_repost_gap_days"),
            "chronic_clusters": pl.col("chronic_clusters"),
            "flagged": pl.col("flagged"),
        },
    ).sort("repost_rate_pct", "board", descending=[True, False])
    flagged = table.filter(pl.col("flagged"))["board"].to_list()
    board_rates = frequency.filter(pl.col(BOARD).is_not_null())["repost_rate_pct"]
    return DayFigures(
        counts={
            "rows": frequency.height,
            "boards": table.height,
            "role_families": frequency[ROLE_FAMILY].drop_nulls().len(),
            "flagged_boards": len(flagged),
            "flagged": ", ".join(flagged) or None,
            "median_repost_rate_pct": median_of(board_rates),
        },
        table=table,
    )
