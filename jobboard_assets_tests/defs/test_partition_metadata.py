"""Each day's partition of the history assets shows that day's figures, and exactly the days the
warehouse holds are materialized, whatever launched the history run.

A backfill of earlier days rewrites the later days too (`timeline.days_to_refresh`); both paths
below backfill three days before a later day that already exists, from `jobboard backfill`
(`run_execution`) and from the UI (`launchPartitionBackfill` on a real webserver and daemon).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance
from sqlalchemy import Engine, select

from jobboard_assets.lib.names import (
    EFFICIENCY_SCORES,
    LIFESPAN_METRICS,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    REPOST_FREQUENCY,
)
from jobboard_assets.lib.tags import BACKFILL_TAG
from jobboard_assets.metrics.efficiency import INSUFFICIENT_GRADE
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import EfficiencyScore
from jobboard_assets_tests.conftest import ON_SQLITE
from jobboard_assets_tests.dagster_ui import dagster_webserver
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.support import dagster_daemon, process_env, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
FIRST = date(2026, 2, 2)
BACKFILLED = [FIRST + timedelta(days=n) for n in range(3)]
LATER = FIRST + timedelta(days=3)
HISTORY_ASSETS = (
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    EFFICIENCY_SCORES,
    LIFESPAN_METRICS,
    REPOST_FREQUENCY,
)
_FINISHED_BACKFILL = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def _warehouse_scores(engine: Engine) -> dict[str, dict[str, Any]]:
    """Each scored day's board figures as `efficiency_scores` holds them."""
    boards: dict[str, list[EfficiencyScore]] = defaultdict(list)
    with session_scope(engine) as session:
        rows = session.scalars(
            select(EfficiencyScore).where(
                EfficiencyScore.role_family.is_(None), EfficiencyScore.industry.is_(None)
            )
        )
        for row in rows:
            boards[row.score_date.isoformat()].append(row)
        figures = {}
        for day, scored in boards.items():
            insufficient = sum(row.grade == INSUFFICIENT_GRADE for row in scored)
            scores = [row.overall_score for row in scored if row.overall_score is not None]
            figures[day] = {
                "boards_scored": len(scored),
                "boards_graded": len(scored) - insufficient,
                "boards_insufficient_data": insufficient,
                "median_score": statistics.median(scores) if scores else None,
                "postings": sum((row.details or {}).get("postings") or 0 for row in scored),
            }
    return figures


def _partition_figures(instance: DagsterInstance, key: AssetKey) -> dict[str, dict[str, Any]]:
    """The latest materialization's metadata of each partition, as the UI shows it."""
    latest: dict[str, dict[str, Any]] = {}
    for record in instance.fetch_materializations(key, limit=10_000).records:  # newest first
        materialization = record.asset_materialization
        assert materialization is not None and materialization.partition is not None
        latest.setdefault(
            materialization.partition,
            {name: value.value for name, value in materialization.metadata.items()},
        )
    return latest


def _assert_partitions_match_the_warehouse(platform: Platform) -> None:
    warehouse = _warehouse_scores(platform.engine)
    assert sorted(warehouse) == [day.isoformat() for day in [*BACKFILLED, LATER]]
    for key in HISTORY_ASSETS:
        assert platform.instance.get_materialized_partitions(key) == set(warehouse), key
    shown = _partition_figures(platform.instance, EFFICIENCY_SCORES)
    for day, figures in warehouse.items():
        metadata = shown[day]
        assert {name: metadata.get(name) for name in figures} == pytest.approx(figures), day
    # Not one run's figures stamped on every day: the days differ, as the warehouse says.
    assert len({figures["postings"] for figures in warehouse.values()}) > 1


def _latest_run_of(instance: DagsterInstance, key: AssetKey, day: date) -> str:
    (record,) = instance.fetch_materializations(
        AssetRecordsFilter(key, asset_partitions=[day.isoformat()]), limit=1
    ).records
    return record.run_id


@ON_SQLITE  # metadata is written the same on both; the UI backfill runs on both backends in the
# changing-market scenario
def test_a_backfill_from_jobboard_or_the_ui_shows_each_days_own_figures(
    jobboard_platform: Platform, tmp_path: Path
) -> None:
    platform = jobboard_platform
    assert platform.run(LATER)["status"] == "completed"
    backfill = platform.run(BACKFILLED[0], BACKFILLED[-1])  # `jobboard backfill`
    assert backfill["status"] == "completed", backfill["errors"]
    _assert_partitions_match_the_warehouse(platform)
    (history_run,) = {job["dagsterRunId"] for job in backfill["jobs"] if job["jobType"] == "score"}
    for key in HISTORY_ASSETS:  # the later day it rewrote is reported by that run
        assert _latest_run_of(platform.instance, key, LATER) == history_run, key

    # The same days' history from the UI: one run for the three days, the later day with them.
    env = process_env(platform, tmp_path)
    with (
        dagster_webserver(env, tmp_path / "webserver.log") as graphql,
        dagster_daemon(env, tmp_path / "daemon.log"),
    ):
        backfill_id = graphql.backfill(
            [key.to_user_string() for key in HISTORY_ASSETS], [d.isoformat() for d in BACKFILLED]
        )
        status = wait_for(
            "the UI backfill to finish",
            lambda: (
                (status := graphql.backfill_status(backfill_id)) in _FINISHED_BACKFILL and status
            ),
            timeout=300,
            interval=2,
        )
    assert status in ("COMPLETED", "COMPLETED_SUCCESS"), status
    _assert_partitions_match_the_warehouse(platform)
    for key in HISTORY_ASSETS:
        run = platform.instance.get_run_by_id(_latest_run_of(platform.instance, key, LATER))
        assert run is not None and run.tags.get(BACKFILL_TAG) == backfill_id, key
