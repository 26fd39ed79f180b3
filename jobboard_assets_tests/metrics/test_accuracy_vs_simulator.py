"""How exact the whole pipeline is against the simulator's ground truth (docs/metrics.md).

One backfill execution through Dagster, as `jobboard backfill` does it: the scrape run for every
board-day of the range over HTTP, then one history run (lifespans, reposts, scores, analytics),
then the stored postings are compared with `market.truth`. SQLite only: the pipeline's
equivalence on PostgreSQL is tested in `launch/test_graph_e2e.py`. The figures are printed.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from jobboard_assets.metrics import lifespan_accuracy, repost_accuracy
from jobboard_assets.warehouse.queries.analytics_tables import view_frame
from jobboard_assets.warehouse.queries.efficiency_scores import boards_frame
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets_tests.platform import SIM_BOARDS, SIM_SEED, Platform

pytestmark = pytest.mark.slow

FIRST_DAY = date(2026, 1, 5)
DAYS = 60
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)
MIN_PAIR_SCORE = 0.95


def truth_frame(truth: dict[str, Any]) -> pl.DataFrame:
    """The simulator's postings with the columns `metrics.accuracy` expects."""
    return pl.DataFrame(truth["postings"]).select(
        "board",
        "external_id",
        pl.col("first_day").str.to_date(),
        pl.col("last_day").str.to_date(),
        "job_key",
    )


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_lifespans_exact_and_reposts_found_over_60_days(
    jobboard_platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    run = jobboard_platform.run(FIRST_DAY, LAST_DAY, trigger="backfill")
    seconds = time.perf_counter() - started
    assert run["status"] == "completed", run["errors"]

    engine = jobboard_platform.engine
    postings, boards = postings_frame(engine), boards_frame(engine)
    truth = truth_frame(jobboard_platform.market.truth(FIRST_DAY, LAST_DAY))
    lifespans = lifespan_accuracy(postings, boards, truth, tracking_start=FIRST_DAY)
    reposts = repost_accuracy(postings, boards, postings.select("id", "repost_cluster_id"), truth)

    with capsys.disabled():
        print(
            f"\naccuracy vs simulator (seed {SIM_SEED}, {SIM_BOARDS} boards, {FIRST_DAY}.."
            f"{LAST_DAY}, {DAYS} days, {postings.height} postings, backfill {seconds:.0f} s)\n"
            f"  lifespans of closed, not left-censored postings: {lifespans.exact} exact, "
            f"{lifespans.inexact} inexact, {lifespans.unmatched} unknown to the truth\n"
            f"  repost pairs: precision {reposts.precision:.4f}, recall {reposts.recall:.4f}, "
            f"F1 {reposts.f1:.4f} ({reposts.true_positive_pairs} found of "
            f"{reposts.true_pairs} true, {reposts.predicted_pairs} predicted)"
        )

    assert lifespans.exact > 1000  # the comparison covered a real history
    assert (lifespans.inexact, lifespans.unmatched) == (0, 0), lifespans.mismatches
    assert reposts.true_pairs > 500
    assert reposts.precision is not None and reposts.precision >= MIN_PAIR_SCORE
    assert reposts.recall is not None and reposts.recall >= MIN_PAIR_SCORE
    _analytics_cover_the_backfill(engine, postings)


def _analytics_cover_the_backfill(engine: Engine, postings: pl.DataFrame) -> None:
    """The same history run stored the analytics of every day, and on the last day its repost
    frequency agrees with the clusters the reposts phase stored."""
    latest = view_frame(engine, "board_repost_frequency_stats")
    assert set(latest["metric_date"]) == {LAST_DAY}
    # Every cluster has one original; its other members are the reposts.
    clustered = postings.filter(pl.col("repost_cluster_id").is_not_null())
    stored = dict(
        clustered.group_by("job_board_id")
        .agg(reposts=pl.len() - pl.col("repost_cluster_id").n_unique())
        .iter_rows()
    )
    assert sum(stored.values()) > 0
    for board, reposts in latest.select("job_board_id", "reposts").iter_rows():
        assert reposts == stored.get(board, 0)
    lifespan_days = view_frame(engine, "board_lifespan_stats")
    assert lifespan_days.height == SIM_BOARDS
    assert (lifespan_days["postings"].sum(), set(lifespan_days["metric_date"])) == (
        postings.height,
        {LAST_DAY},
    )
