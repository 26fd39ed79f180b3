"""Fake freshness: a recent board date on a posting we have seen for a long time."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from jobboard_assets.metrics import (
    DEFAULT_SETTINGS,
    fake_freshness_flags,
    fake_freshness_summary,
)
from jobboard_assets_tests.metrics.frames import day, posting, postings_frame

AS_OF = 100


def history() -> pl.DataFrame:
    return postings_frame(
        [
            posting(1, first=0, as_of=AS_OF, posted=98),  # seen 100 days, "posted 2 days ago"
            posting(2, first=99, as_of=AS_OF, posted=99),  # genuinely young
            posting(3, first=70, as_of=AS_OF, posted=93),  # both limits exactly: 30 and 7 days
            posting(4, first=69, as_of=AS_OF, posted=92),  # board date 8 days old: not fresh
            posting(5, first=0, last=50, posted=99),  # closed: no longer presented as new
            posting(6, first=0, as_of=AS_OF),  # no board date
            posting(7, first=0, as_of=AS_OF, posted=102),  # a board date in the future
            posting(8, first=0, as_of=AS_OF, posted=0, board=2),  # an honest old date
            # First seen on day 90, dated day 95 by the board: re-stamped, fake-fresh at once.
            posting(9, first=90, as_of=AS_OF, posted=95),
        ]
    )


def test_flags() -> None:
    flags = fake_freshness_flags(history(), as_of=day(AS_OF))
    assert flags.rows() == [
        (1, 1, 2, 100, True),
        (2, 1, 1, 1, False),
        (3, 1, 7, 30, True),
        (4, 1, 8, 31, False),
        (5, 1, 1, 100, False),
        (6, 1, None, 100, False),
        (7, 1, -2, 100, True),
        (8, 2, 100, 100, False),
        (9, 1, 5, 10, True),
    ]
    assert flags.columns == [
        "id",
        "job_board_id",
        "board_age_days",
        "observed_age_days",
        "fake_fresh",
    ]


def test_thresholds_come_from_settings() -> None:
    strict = replace(DEFAULT_SETTINGS, fresh_posted_within_days=2, fake_fresh_min_observed_days=100)
    flags = fake_freshness_flags(history(), as_of=day(AS_OF), settings=strict)
    assert flags.filter("fake_fresh")["id"].to_list() == [1, 7]


def test_summary_per_board() -> None:
    summary = fake_freshness_summary(history(), as_of=day(AS_OF))
    assert summary.rows() == [(1, 7, 6, 4, 4 / 6), (2, 1, 1, 0, 0.0)]
    assert summary.columns == [
        "job_board_id",
        "active_postings",
        "dated_active_postings",
        "fake_fresh_postings",
        "fake_fresh_share",
    ]
