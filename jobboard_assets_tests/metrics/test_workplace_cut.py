"""Lifespan and repost analytics cut by workplace type: the metrics' `by=` takes the column."""

from __future__ import annotations

import polars as pl
from pytest import approx

from jobboard_assets.metrics import repost_frequency
from jobboard_assets.metrics.lifespan_stats import lifespan_summary
from jobboard_assets_tests.metrics.frames import day, posting, postings_frame

ROWS = [
    # a remote job closed after 10 days and reposted 20 days later (15 days)
    posting(1, first=5, last=15, title="Support Engineer", workplace_type="remote"),
    posting(2, first=35, last=50, title="Support Engineer", workplace_type="remote"),
    # a hybrid job open for 40 days, same board
    posting(3, first=5, last=45, title="Office Manager", workplace_type="hybrid"),
]


def test_lifespans_per_workplace_type() -> None:
    summary = lifespan_summary(
        postings_frame(ROWS), "workplace_type", as_of=day(60), tracking_start=day(0)
    ).sort("workplace_type")

    assert summary.select("workplace_type", "postings", "lifespan_mean_days").rows() == [
        ("hybrid", 1, approx(40.0)),
        ("remote", 2, approx(12.5)),
    ]


def test_reposts_per_workplace_type() -> None:
    frequency = repost_frequency(postings_frame(ROWS), "workplace_type").sort("workplace_type")

    assert frequency.select("workplace_type", "postings", "reposts").rows() == [
        ("hybrid", 1, 0),
        ("remote", 2, 1),
    ]
    assert frequency.filter(pl.col("workplace_type") == "remote")["repost_rate_pct"].item() == 50.0
