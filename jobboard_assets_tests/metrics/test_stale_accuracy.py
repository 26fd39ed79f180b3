"""The stale likelihood against the simulator's truth (docs/metrics.md, "Stale postings").

For three market seeds, the history a daily pipeline observes over 30 and 90 tracked days
(`sim_history`), repost chains detected as phase 4 does, each open posting's signals and
likelihood at the default threshold, compared with `Posting.stale_on` (an evergreen, or a
re-stamped board date). The figures print.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from jobboard_assets.metrics.posting_evidence import (
    board_reference_lifespans,
    earlier_postings,
    stale_signals,
    with_reference,
)
from jobboard_assets.metrics.repost_chains import repost_links
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets_tests.metrics.sim_history import observed_history, stale_truth

START = date(2026, 1, 5)
MIN_PRECISION = 0.95
MIN_RECALL = 0.8


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("days", [30, 90])
def test_stale_likelihood_finds_the_simulators_stale_postings(seed: int, days: int) -> None:
    market = SimulatedMarket(seed=seed)
    end = START + timedelta(days=days - 1)
    postings, _ = observed_history(market, START, end)
    postings = postings.with_columns(expires_at=pl.lit(None, dtype=pl.Datetime("us", "UTC")))
    chained = postings.join(earlier_postings(postings, repost_links(postings)), on="id")
    reference = board_reference_lifespans(postings, as_of=end, tracking_start=START)
    judged = (
        stale_signals(with_reference(chained, reference), as_of=end)
        .join(postings.select("id", "job_board_id", "external_id", "is_active"), on="id")
        .filter("is_active")
        .join(stale_truth(market, START, end), on=["job_board_id", "external_id"])
    )
    true_positives = judged.filter(pl.col("stale") & pl.col("true_stale")).height
    precision = true_positives / judged.filter("stale").height
    recall = true_positives / judged.filter("true_stale").height
    print(
        f"seed {seed}, {days} days: {judged.height} open postings, "
        f"{judged['true_stale'].sum()} stale, precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
