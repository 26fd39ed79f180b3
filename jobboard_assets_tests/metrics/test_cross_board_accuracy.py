"""The same job across boards against the simulator's truth (docs/metrics.md, "Cross-board").

For three market seeds where each feed also lists a share of one ATS board's jobs
(`CrossPostingMarket`), the history a daily pipeline observes over 60 days is linked by
`cross_board_groups`; every pair of linked postings on two boards is a predicted pair, every
pair of postings of one job (same job key and repost) on two boards a true one.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from jobboard_assets.metrics.cross_board_links import cross_board_groups
from jobboard_assets.sim.cross_posting import CrossPostingMarket, cross_posted_pairs
from jobboard_assets_tests.metrics.sim_history import observed_history

START = date(2026, 1, 5)
MIN_PRECISION = MIN_RECALL = 0.95


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cross_board_links_find_the_simulators_cross_posted_jobs(seed: int) -> None:
    market = CrossPostingMarket(seed=seed, share=0.2)
    end = START + timedelta(days=59)
    postings, _ = observed_history(market, START, end)
    slugs = {index + 1: board.slug for index, board in enumerate(market.boards)}
    listed = (
        cross_board_groups(postings)
        .join(postings.select("id", "job_board_id", "external_id"), on="id")
        .with_columns(board=pl.col("job_board_id").replace_strict(slugs))
    )
    members = listed.group_by("job_group_id").agg(pl.struct("board", "external_id"))
    predicted = {
        frozenset(((a["board"], a["external_id"]), (b["board"], b["external_id"])))
        for group in members.get_column("board").to_list()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if a["board"] != b["board"]
    }
    truth = cross_posted_pairs(
        [
            (board.slug, posting)
            for board in market.boards
            for posting in market.postings_between(board.slug, START, end)
        ]
    )
    found = len(predicted & truth)
    precision, recall = found / len(predicted), found / len(truth)
    print(
        f"seed {seed}: {len(truth)} true pairs, {len(predicted)} linked, "
        f"precision {precision:.4f}, recall {recall:.4f}"
    )
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
