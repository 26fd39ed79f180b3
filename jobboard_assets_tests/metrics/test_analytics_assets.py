"""The lifespan and repost analytics: stored per day, read through the views, on both backends.

Every figure below is worked out by hand in the comments; each test runs on SQLite and on
PostgreSQL against the same expectations, so the views give the same numbers on both.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
import pytest
from dagster import materialize
from sqlalchemy import Engine, func, select

from jobboard_assets.defs.analytics.assets import lifespan_metrics, repost_frequency
from jobboard_assets.lib.resources import WarehouseResource
from jobboard_assets.lib.tags import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from jobboard_assets.metrics import lifespan_stats
from jobboard_assets.pipeline import analytics
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import (
    JobBoard,
    JobPosting,
    LifespanDistribution,
    LifespanMetric,
    RawDataSnapshot,
    RepostFrequency,
)
from jobboard_assets.warehouse.queries.analytics_tables import view_frame

D0 = date(2026, 3, 1)  # the first tracking day: postings first seen then are left-censored
AS_OF = D0 + timedelta(days=40)
ALPHA, BETA = 1, 2


def day(offset: int) -> date:
    return D0 + timedelta(days=offset)


def _boards(session: Any) -> None:
    for board_id, name in ((ALPHA, "Alpha Jobs"), (BETA, "Beta Board")):
        session.add(
            JobBoard(
                id=board_id,
                slug=name.lower().replace(" ", "-"),
                name=name,
                kind="greenhouse",
                url=f"https://example.test/{board_id}",
                enabled=True,
                options={},
            )
        )
    session.flush()


def _posting(
    posting_id: int,
    board: int,
    first: int,
    last: int | None,
    role_family: str | None,
    title: str | None = None,
) -> JobPosting:
    """`last` None: still listed on AS_OF. Titles differ unless given, so nothing is a repost."""
    last_seen = AS_OF if last is None else day(last)
    return JobPosting(
        id=posting_id,
        job_board_id=board,
        external_id=f"ext-{posting_id}",
        title=title or f"Role {posting_id}",
        normalized_title=(title or f"Role {posting_id}").lower(),
        company="Acme",
        location="Berlin",
        role_family=role_family,
        first_seen=day(first),
        last_seen=last_seen,
        is_active=last is None,
        disappeared_at=None if last is None else last_seen + timedelta(days=1),
        lifespan_days=(last_seen - day(first)).days,
        repost_count=0,
    )


# Alpha: p1 is left-censored (first seen on D0); closed and exact: 2, 4, 10, 20 days;
# open: p6 (age 37), p7 (age 10).
# Beta: q3 closed after 0 days; q1 and q2 open at age 39.
# Role families: engineering = p1, p2, p3, q1; sales = p4, p5, p6, p7, q3; q2 has none.
LIFESPAN_POSTINGS = [
    (1, ALPHA, 0, 10, "engineering"),
    (2, ALPHA, 1, 3, "engineering"),
    (3, ALPHA, 2, 6, "engineering"),
    (4, ALPHA, 2, 12, "sales"),
    (5, ALPHA, 5, 25, "sales"),
    (6, ALPHA, 3, None, "sales"),
    (7, ALPHA, 30, None, "sales"),
    (11, BETA, 1, None, "engineering"),
    (12, BETA, 1, None, None),
    (13, BETA, 10, 10, "sales"),
]


@pytest.fixture
def lifespan_warehouse(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        _boards(session)
        session.add_all(_posting(*row) for row in LIFESPAN_POSTINGS)
    return engine


def _rows(frame: pl.DataFrame, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in frame.to_dicts()}


def test_board_lifespan_stats(lifespan_warehouse: Engine) -> None:
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [AS_OF])
    boards = _rows(view_frame(lifespan_warehouse, "board_lifespan_stats"), "board_name")

    alpha = boards["Alpha Jobs"]
    assert alpha["metric_date"] == AS_OF
    assert (alpha["postings"], alpha["active_postings"], alpha["closed_postings"]) == (7, 2, 5)
    assert (alpha["left_censored_postings"], alpha["exact_closed_postings"]) == (1, 4)
    # 2, 4, 10, 20: mean 9, median 7; linear percentiles at 0.75, 2.25 and 2.7 of 3 steps.
    assert alpha["lifespan_mean_days"] == pytest.approx(9.0)
    assert alpha["lifespan_median_days"] == pytest.approx(7.0)
    assert alpha["lifespan_p25_days"] == pytest.approx(3.5)
    assert alpha["lifespan_p75_days"] == pytest.approx(12.5)
    assert alpha["lifespan_p90_days"] == pytest.approx(17.0)
    assert (alpha["lifespan_min_days"], alpha["lifespan_max_days"]) == (2, 20)
    # KM without the standing stock p1: S(2) = 5/6, S(4) = 4/6, S(10) = 3/6 (p7 censored
    # there), S(20) = 1/4.
    assert (alpha["km_median_days"], alpha["km_median_reached"], alpha["km_p75_days"]) == (
        10,
        True,
        20,
    )
    assert alpha["active_age_mean_days"] == pytest.approx(23.5)
    assert (alpha["active_share_over_30d"], alpha["active_share_over_60d"]) == (0.5, 0.0)

    beta = boards["Beta Board"]
    assert (beta["postings"], beta["exact_closed_postings"], beta["lifespan_median_days"]) == (
        3,
        1,
        0.0,
    )
    # Beta's tracking starts on its own first day (D1): q1 and q2 are its standing stock, left
    # out of the estimate; q3, the only posting seen to open, closed the day it appeared.
    assert beta["left_censored_postings"] == 2
    assert (beta["km_median_days"], beta["km_median_reached"], beta["km_median_floor_days"]) == (
        0,
        True,
        0,
    )
    assert beta["active_share_over_30d"] == 1.0


def test_role_family_lifespan_stats(lifespan_warehouse: Engine) -> None:
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [AS_OF])
    families = _rows(view_frame(lifespan_warehouse, "role_family_lifespan_stats"), "role_family")

    assert set(families) == {"engineering", "sales"}  # q2 has no role family
    engineering, sales = families["engineering"], families["sales"]
    # engineering: exact closed 2 and 4 (p1 left-censored), q1 open at 39 days, on both boards.
    assert (engineering["postings"], engineering["distinct_boards"]) == (4, 2)
    assert engineering["lifespan_mean_days"] == pytest.approx(3.0)
    assert engineering["lifespan_p90_days"] == pytest.approx(3.8)
    assert engineering["active_share_over_30d"] == 1.0
    # sales: closed 0, 10, 20; open p6 (37) and p7 (10).
    assert (sales["postings"], sales["exact_closed_postings"], sales["distinct_boards"]) == (
        5,
        3,
        2,
    )
    assert (sales["lifespan_median_days"], sales["lifespan_p25_days"]) == (10.0, 5.0)
    assert (sales["lifespan_min_days"], sales["lifespan_max_days"]) == (0, 20)
    assert sales["active_share_over_30d"] == 0.5


def test_an_earlier_day_sees_the_history_as_it_was_and_reruns_replace(
    lifespan_warehouse: Engine,
) -> None:
    earlier = day(8)
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [earlier, AS_OF])
    first = _stored(lifespan_warehouse, LifespanMetric)
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [earlier, AS_OF])
    assert _stored(lifespan_warehouse, LifespanMetric).equals(first)
    assert _count(lifespan_warehouse, LifespanMetric) == 2 * (2 + 2)  # 2 days x (boards + families)
    assert _count(lifespan_warehouse, LifespanDistribution) == 2 * (2 + 2) * 6  # x 6 buckets

    # On day 8 p7 did not exist yet, and p1, p4, p5 (closed later) were still open.
    alpha = first.filter(pl.col("metric_date") == earlier, pl.col("job_board_id") == ALPHA)
    assert alpha.select(
        "postings", "active_postings", "exact_closed_postings", "lifespan_mean_days"
    ).row(0) == (6, 4, 2, 3.0)


def test_distribution_view_agrees_with_the_stored_distribution(lifespan_warehouse: Engine) -> None:
    """The view buckets job_postings.lifespan_days in SQL; the asset buckets in polars."""
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [AS_OF])
    view = view_frame(lifespan_warehouse, "lifespan_distribution_buckets")
    # Alpha: 2 and 4 in 0-7, 10 in 8-14, 20 in 15-30; Beta: its one 0-day posting.
    assert view.filter(pl.col("postings") > 0).select(
        "board_name", "bucket", "postings", "percentage"
    ).rows() == [
        ("Alpha Jobs", "0-7", 2, 50.0),
        ("Alpha Jobs", "8-14", 1, 25.0),
        ("Alpha Jobs", "15-30", 1, 25.0),
        ("Beta Board", "0-7", 1, 100.0),
    ]
    assert view.height == 2 * 6
    stored = (
        _stored(lifespan_warehouse, LifespanDistribution)
        .filter(pl.col("job_board_id").is_not_null())
        .sort("job_board_id", "min_days")
    )
    columns = ["job_board_id", "bucket", "min_days", "max_days", "postings", "percentage"]
    assert view.select(columns).equals(stored.select(columns))


def test_daily_lifespan_trends(lifespan_warehouse: Engine) -> None:
    snapshot = {"board_name": "Alpha Jobs", "job_board_id": ALPHA, "repost_count": 0}
    with session_scope(lifespan_warehouse) as session:
        session.add_all(
            [
                RawDataSnapshot(
                    **snapshot,
                    snapshot_date=day(4),
                    posting_count=4,
                    new_postings=0,
                    active_postings=4,
                    disappeared_postings=1,
                ),
                RawDataSnapshot(
                    **snapshot,
                    snapshot_date=day(7),
                    posting_count=4,
                    new_postings=0,
                    active_postings=4,
                    disappeared_postings=1,
                ),
            ]
        )
    trends = view_frame(lifespan_warehouse, "daily_lifespan_trends")
    # p2 (2 days) disappeared on day 4, p3 (4 days) on day 7.
    assert trends.select(
        "day",
        "board_name",
        "posting_count",
        "disappeared_postings",
        "disappeared_lifespan_mean_days",
    ).rows() == [(day(4), "Alpha Jobs", 4, 1, 2.0), (day(7), "Alpha Jobs", 4, 1, 4.0)]


# Alpha: one job posted three times (gaps 5 and 5 days) and one other job: 2 reposts of 4
# postings, 50% (flagged above 30%). Beta: two different jobs, no repost.
REPOST_POSTINGS = [
    (1, ALPHA, 1, 5, "data", "Data Engineer"),
    (2, ALPHA, 10, 15, "data", "Data Engineer"),
    (3, ALPHA, 20, 22, "data", "Data Engineer"),
    (4, ALPHA, 2, None, "sales", "Sales Manager"),
    (11, BETA, 1, None, "data", "Data Analyst"),
    (12, BETA, 3, 9, "sales", "Account Executive"),
]


@pytest.fixture
def repost_warehouse(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        _boards(session)
        session.add_all(_posting(*row) for row in REPOST_POSTINGS)
    return engine


def test_board_repost_frequency_stats_and_flagged_boards(repost_warehouse: Engine) -> None:
    summary = analytics.update_repost_frequency(PostingHistory(repost_warehouse), [AS_OF])
    boards = _rows(view_frame(repost_warehouse, "board_repost_frequency_stats"), "board_name")
    alpha, beta = boards["Alpha Jobs"], boards["Beta Board"]
    assert (alpha["postings"], alpha["reposts"], alpha["repost_clusters"]) == (4, 2, 1)
    assert (alpha["clustered_postings"], alpha["chronic_clusters"]) == (3, 0)
    assert alpha["repost_rate_pct"] == pytest.approx(50.0)
    assert alpha["median_repost_gap_days"] == pytest.approx(5.0)
    assert alpha["flagged"] is True
    assert (beta["reposts"], beta["repost_rate_pct"], beta["flagged"]) == (0, 0.0, False)
    assert beta["median_repost_gap_days"] is None
    figures = summary.days[AS_OF].counts
    assert (figures["flagged_boards"], figures["flagged"]) == (1, "Alpha Jobs")

    families = _rows(
        _stored(repost_warehouse, RepostFrequency).filter(pl.col("role_family").is_not_null()),
        "role_family",
    )
    assert (families["data"]["postings"], families["data"]["reposts"]) == (4, 2)
    assert (families["sales"]["postings"], families["sales"]["reposts"]) == (2, 0)


def test_repost_frequency_counts_only_reposts_seen_by_that_day(repost_warehouse: Engine) -> None:
    analytics.update_repost_frequency(PostingHistory(repost_warehouse), [day(8), day(12), AS_OF])
    alpha = (
        _stored(repost_warehouse, RepostFrequency)
        .filter(pl.col("job_board_id") == ALPHA)
        .sort("metric_date")
    )
    # Day 8: the job's first posting and the sales job, no cluster yet (the repost seen later
    # does not make one). Day 12: its first repost, 1 of 3. Then the second.
    assert alpha.select(
        "postings", "reposts", "repost_clusters", "clustered_postings", "flagged"
    ).rows() == [
        (2, 0, 0, 0, False),
        (3, 1, 1, 2, True),
        (4, 2, 1, 3, True),
    ]


def test_the_assets_backfill_a_day_range_in_one_run(repost_warehouse: Engine) -> None:
    url = repost_warehouse.url.render_as_string(hide_password=False)
    result = materialize(
        [lifespan_metrics, repost_frequency],
        resources={"warehouse": WarehouseResource(database_url=url)},
        tags={
            PARTITION_RANGE_START_TAG: day(8).isoformat(),
            PARTITION_RANGE_END_TAG: day(12).isoformat(),
        },
    )
    assert result.success
    # One step for both days; each day's partition carries that day's own figures.
    frequency = {
        str(event.partition): event.metadata
        for event in result.asset_materializations_for_node("repost_frequency")
    }
    days = [day(n) for n in range(8, 13)]
    assert sorted(frequency) == [str(when) for when in days]
    stored = _stored(repost_warehouse, RepostFrequency)
    assert sorted(set(stored["metric_date"])) == days
    for when in days:
        rows = stored.filter(pl.col("metric_date") == when)
        boards = rows.filter(pl.col("job_board_id").is_not_null())
        metadata = frequency[str(when)]
        assert metadata["rows"].value == rows.height
        assert metadata["flagged_boards"].value == int(boards["flagged"].sum())
        assert metadata["median_repost_rate_pct"].value == boards["repost_rate_pct"].median()
    # Day 8 saw no repost yet, day 12 the first: the Plots tab draws this, not a flat line.
    assert frequency[str(day(8))]["flagged_boards"].value == 0
    assert frequency[str(day(12))]["flagged"].value == "Alpha Jobs"
    assert "| Alpha Jobs" in str(frequency[str(day(12))]["table"].value)  # the Markdown table
    spans = result.asset_materializations_for_node("lifespan_metrics")
    assert len(spans) == len(days)
    assert {event.metadata["rows"].value for event in spans} == {2 + 2}


def test_an_empty_warehouse_writes_nothing_and_fails_nothing(engine: Engine) -> None:
    assert (
        analytics.update_lifespan_metrics(PostingHistory(engine), [AS_OF]).counts["rows_written"]
        == 0
    )
    frequency = analytics.update_repost_frequency(PostingHistory(engine), [AS_OF])
    assert frequency.days[AS_OF].counts["boards"] == 0
    assert view_frame(engine, "board_lifespan_stats").is_empty()


def test_stored_metrics_are_the_metrics_functions_output(lifespan_warehouse: Engine) -> None:
    """The asset stores exactly what `metrics.lifespans` computes (no second implementation)."""
    analytics.update_lifespan_metrics(PostingHistory(lifespan_warehouse), [AS_OF])
    postings = PostingHistory(lifespan_warehouse).window  # with boards' tracking starts
    expected = lifespan_stats.lifespan_summary(postings, "role_family", as_of=AS_OF).filter(
        pl.col("role_family").is_not_null()
    )
    stored = (
        _stored(lifespan_warehouse, LifespanMetric)
        .filter(pl.col("role_family").is_not_null())
        .sort("role_family")
    )
    assert stored.select(expected.columns).equals(expected)


def _stored(engine: Engine, model: Any) -> pl.DataFrame:
    table = model.__table__
    query = select(*(c for c in table.columns if c.name not in ("id", "created_at")))
    with engine.connect() as connection:
        frame = pl.read_database(query.order_by(table.c.id), connection)
    return frame.with_columns(
        pl.col("metric_date").cast(pl.Date), pl.col("job_board_id").cast(pl.Int64)
    )


def _count(engine: Engine, model: Any) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model.__table__)) or 0
