"""/api/lifespan answers what the metrics functions compute from the postings themselves.

A generated warehouse (boards, role families and workplace types at random, a fixed seed) goes
through the pipeline's report step; every action's answer over real HTTP must equal the metrics
functions run here directly over the postings read back from the warehouse, with the window the
API documents (the newest last_seen, tracking from each board's first observed day; these boards
have no observed days, so from their first first_seen). A market of board-days applied as a
scrape applies them shows the API's median of a board is its score's of the same day.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
import pytest
import requests
from click.testing import CliRunner
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select, update

from jobboard_assets.cli import main
from jobboard_assets.metrics import lifespan_stats
from jobboard_assets.metrics.belief import DEFAULT_RULE
from jobboard_assets.pipeline.board_day import apply_board_day
from jobboard_assets.pipeline.lifespan_report import (
    COLUMNS,
    lifespan_report,
    report_window,
    update_lifespan_report,
)
from jobboard_assets.pipeline.rebuild import daily_phases
from jobboard_assets.sources.records import BoardConfig, PostingRecord, ScrapeResult
from jobboard_assets.sources.terms import WORKPLACE_TYPES
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import EfficiencyScore, JobBoard, JobPosting, LifespanMetric
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug, sync_boards
from jobboard_assets.warehouse.queries.postings import postings_frame
from jobboard_assets_tests.api.conftest import live_server

START = date(2026, 1, 1)
BOARDS = {1: "One", 2: "Two", 3: "Three", 4: "Four (no postings)"}
ROLES = ("engineering", "sales", "design", None)


def _postings(count: int) -> list[JobPosting]:
    rng = random.Random(14)
    rows = []
    for posting_id in range(1, count + 1):
        first = rng.choice([0, 0, *range(1, 200)])  # day 0 is the standing stock
        last = min(first + rng.choice([0, 3, 9, 20, 45, 80, 150]), 220)
        active = last == 220 or rng.random() < 0.1
        rows.append(
            JobPosting(
                id=posting_id,
                job_board_id=rng.choice([1, 1, 2, 3]),
                external_id=f"ext-{posting_id}",
                title="Job",
                role_family=rng.choice(ROLES),
                first_seen=START + timedelta(days=first),
                last_seen=START + timedelta(days=last),
                is_active=active,
                workplace_type=rng.choice([*WORKPLACE_TYPES, None]),
                repost_count=0,
            )
        )
    return rows


@pytest.fixture
def generated(engine: Engine) -> Engine:
    with session_scope(engine) as session:
        session.add_all(
            JobBoard(id=board, slug=f"b{board}", name=name, kind="greenhouse", url="https://x.test")
            for board, name in BOARDS.items()
        )
        session.flush()
        session.add_all(_postings(600))
    update_lifespan_report(engine)
    return engine


def _rounded(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, floats to 2 places (as the API documents)."""
    return [
        {key: round(value, 2) if isinstance(value, float) else value for key, value in row.items()}
        for row in frame.to_dicts()
    ]


def _reported(engine: Engine) -> pl.DataFrame:
    """The postings as the report reads them, tracked from their board's first sighting (the
    generated boards have no observed days)."""
    postings = postings_frame(engine, COLUMNS)
    return postings.with_columns(tracking_start=pl.col("first_seen").min().over("job_board_id"))


def _expected(postings: pl.DataFrame) -> dict[str, Any]:
    """Every action's numbers, straight from the metrics functions."""
    window = report_window(postings)
    assert window is not None
    summary = lifespan_stats.lifespan_summary(postings, "job_board_id", **window)
    ranking = lifespan_stats.lifespan_ranking(postings, "job_board_id", **window)
    classified = postings.filter(pl.col("role_family").is_not_null())
    roles = lifespan_stats.lifespan_summary(classified, "role_family", **window).sort(
        ["lifespan_mean_days", "role_family"], descending=[True, False], nulls_last=True
    )
    scope = postings.with_columns(scope=pl.lit(1))
    return {
        "all": _rounded(summary),
        "ranked": _rounded(ranking.join(summary, on="job_board_id").sort("rank", "job_board_id")),
        "distribution": _rounded(lifespan_stats.lifespan_distribution(scope, "scope", **window)),
        "distribution_1": _rounded(
            lifespan_stats.lifespan_distribution(
                scope.filter(pl.col("job_board_id") == 1), "scope", **window
            )
        ),
        "by-role": _rounded(roles),
        "trends": _rounded(
            lifespan_stats.daily_trend(
                postings.filter(pl.col("job_board_id") == 2),
                "job_board_id",
                as_of=window["as_of"],
                since=window["as_of"] - timedelta(days=99),
            )
        ),
    }


def _get(base_url: str, query: str) -> Any:
    response = requests.get(f"{base_url}/api/lifespan?{query}", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["data"]


@pytest.mark.parametrize("cut", [None, *WORKPLACE_TYPES])
def test_every_action_equals_the_metrics_of_the_postings(
    generated: Engine, cut: str | None
) -> None:
    postings = _reported(generated)
    if cut is not None:
        postings = postings.filter(pl.col("workplace_type") == cut)
    expected = _expected(postings)
    suffix = "" if cut is None else f"&workplaceType={cut}"
    with live_server(generated, api_token=None) as base_url:
        answers = {
            name: _get(base_url, query + suffix)
            for name, query in {
                "all": "action=all",
                "ranked": "action=ranked",
                "distribution": "action=distribution",
                "distribution_1": "action=distribution&boardId=1",
                "by-role": "action=by-role",
                "trends": "action=trends&boardId=2&days=100",
                "percentile": "action=percentile&boardId=3",
            }.items()
        }
    board_fields = {
        "boardId": "job_board_id",
        "totalPostings": "postings",
        "activePostings": "active_postings",
        "closedPostings": "closed_postings",
        "leftCensoredPostings": "left_censored_postings",
        "avgLifespan": "lifespan_mean_days",
        "medianLifespan": "lifespan_median_days",
        "p25Lifespan": "lifespan_p25_days",
        "p75Lifespan": "lifespan_p75_days",
        "minLifespan": "lifespan_min_days",
        "maxLifespan": "lifespan_max_days",
        "activeDaysAvg": "active_age_mean_days",
    }
    rank_fields = {"rank": "rank", "percentile": "percentile", "kmMedianDays": "km_median_days"}
    assert [{f: row[f] for f in board_fields} for row in answers["all"]] == [
        {f: row[c] for f, c in board_fields.items()} for row in expected["all"]
    ]
    assert [row["boardName"] for row in answers["all"]] == [
        BOARDS[row["job_board_id"]] for row in expected["all"]
    ]
    fields = {**board_fields, **rank_fields}
    assert [{f: row[f] for f in fields} for row in answers["ranked"]] == [
        {f: row[c] for f, c in fields.items()} for row in expected["ranked"]
    ]
    for name in ("distribution", "distribution_1"):
        assert [(b["range"], b["count"], b["percentage"]) for b in answers[name]] == [
            (b["bucket"], b["postings"], b["percentage"]) for b in expected[name]
        ]
    role_fields = {
        "roleFamily": "role_family",
        "avgLifespan": "lifespan_mean_days",
        "medianLifespan": "lifespan_median_days",
        "totalPostings": "postings",
    }
    assert [{f: row[f] for f in role_fields} for row in answers["by-role"]] == [
        {f: row[c] for f, c in role_fields.items()} for row in expected["by-role"]
    ]
    trend_fields = {
        "boardId": "job_board_id",
        "activePostings": "active_postings",
        "newPostings": "new_postings",
        "disappearedPostings": "disappeared_postings",
        "activeAgeMeanDays": "active_age_mean_days",
    }
    assert [{f: row[f] for f in trend_fields} for row in answers["trends"]] == [
        {f: row[c] for f, c in trend_fields.items()} for row in expected["trends"]
    ]
    assert [row["date"] for row in answers["trends"]] == [
        row["day"].isoformat() for row in expected["trends"]
    ]
    assert len(answers["trends"]) == 100
    (three,) = [row for row in answers["ranked"] if row["boardId"] == 3]
    assert answers["percentile"]["rank"] == three["rank"]
    assert answers["percentile"]["boardsRanked"] == len(expected["ranked"])


def test_a_board_without_postings_has_empty_buckets_and_no_rank(generated: Engine) -> None:
    with live_server(generated, api_token=None) as base_url:
        buckets = _get(base_url, "action=distribution&boardId=4")
        assert [(b["count"], b["percentage"]) for b in buckets] == [(0, None)] * 6
        assert _get(base_url, "action=trends&boardId=4") == []
        response = requests.get(f"{base_url}/api/lifespan?action=percentile&boardId=4", timeout=30)
        assert response.status_code == 404


def test_the_cli_builds_the_report_of_an_upgraded_warehouse(
    warehouse_url: str, engine: Engine
) -> None:
    """Postings stored before the report existed: empty answers until `jobboard db
    lifespan-report` builds it."""
    with session_scope(engine) as session:
        session.add(JobBoard(id=1, slug="b1", name="One", kind="greenhouse", url="https://x.test"))
        session.flush()
        session.add_all(posting for posting in _postings(50) if posting.job_board_id == 1)
    with live_server(engine, api_token=None) as base_url:
        assert _get(base_url, "action=all") == []
        result = CliRunner().invoke(
            main, ["db", "lifespan-report"], env={"JOBBOARD_DATABASE_URL": warehouse_url}
        )
        assert result.exit_code == 0, result.output
        assert "lifespan_report_groups: " in result.output
        assert "board_lifespan_references: " in result.output
        assert "board_lifespan_references: 0 rows" not in result.output
        (board,) = _get(base_url, "action=all")
    stored = postings_frame(engine, COLUMNS)
    assert board["totalPostings"] == stored.height > 0


def test_a_run_writes_only_the_report_rows_that_changed(generated: Engine) -> None:
    """Rewritten by difference, the tables hold exactly what a full computation gives."""
    again = update_lifespan_report(generated)
    assert again["lifespan_report_trends"] == again["lifespan_report_buckets"] == 0
    with session_scope(generated) as session:
        session.execute(
            update(JobPosting)
            .where(JobPosting.id <= 40, JobPosting.is_active)
            .values(is_active=False)
        )
        session.add_all(posting for posting in _postings(700) if posting.id > 600)
    changed = update_lifespan_report(generated)
    assert 0 < changed["lifespan_report_trends"] < 4 * 365 * 3
    expected = lifespan_report(_reported(generated))
    for model, frame in expected.items():
        names = [c.name for c in model.__table__.columns if c.name not in ("id", "created_at")]
        with generated.connect() as connection:
            stored = pl.read_database(select(*(model.__table__.c[n] for n in names)), connection)
        key = names[:4]
        assert stored.height == frame.height
        assert_frame_equal(
            stored.sort(key, nulls_last=True),
            frame.select(names).sort(key, nulls_last=True),
            check_dtypes=False,
        )


MARKET_DAYS = 60
LATE_START = 30
"""The day (from START) the late board's first listing was fetched."""


def _market() -> dict[str, list[tuple[int, int, int]]]:
    """Per board, postings as (first day listed, last day listed, age on the board then): a
    board tracked from the market's first day, and one added later whose first listing holds
    a standing stock posted 100 days earlier that closes within a week."""
    early = [(0, (7 * n) % 40, 20 + n) for n in range(30)]
    early += [(day, day + (7 * n) % 35 + 3, 0) for day in range(1, MARKET_DAYS) for n in range(3)]
    late = [(LATE_START, LATE_START + n % 6, 100) for n in range(40)]
    late += [
        (day, day + (5 * n + day) % 25 + 5, 0)
        for day in range(LATE_START + 1, MARKET_DAYS)
        for n in range(4)
    ]
    return {"early": early, "late": late}


def _listing(slug: str, day: int, postings: list[tuple[int, int, int]]) -> ScrapeResult:
    """The board's listing on `day` (from START): every posting open that day."""
    listed = START + timedelta(days=day)
    records = [
        PostingRecord(
            external_id=f"{slug}-{n}",
            url=None,
            title="Engineer",
            company="Acme",
            location="Berlin",
            department=None,
            remote=False,
            posted_at=datetime.combine(START, time(), UTC) + timedelta(days=first - age),
            description_text=None,
            content_hash=f"{slug}-{n}",
            normalized_title="engineer",
            role_family="engineering",
        )
        for n, (first, last, age) in enumerate(postings)
        if first <= day <= last
    ]
    board = BoardConfig(slug=slug, name=slug.title(), kind="json", url="https://x.test")
    return ScrapeResult(board=board, day=listed, records=records)


def test_a_board_has_the_median_of_its_score_of_the_same_day(engine: Engine) -> None:
    """A board added after the warehouse's first day is tracked from its own first day, its
    standing stock entering late by its board date, as the scores and `lifespan_metrics` track
    it: /api/lifespan's median of each board is theirs of the newest day. Tracked from the
    warehouse's first day, the late board's stock would count as postings opened and closed
    within days."""
    market = _market()
    with session_scope(engine) as session:
        sync_boards(
            session,
            [
                BoardConfig(slug=slug, name=slug.title(), kind="json", url="https://x.test")
                for slug in market
            ],
        )
        board_ids = board_ids_by_slug(session)
    for slug, postings in market.items():
        for day in range(LATE_START if slug == "late" else 0, MARKET_DAYS):
            applied = apply_board_day(
                engine, board_ids[slug], _listing(slug, day, postings), DEFAULT_RULE
            )
            assert applied.held is None, applied.held
    newest = START + timedelta(days=MARKET_DAYS - 1)
    daily_phases(engine, [newest])

    with live_server(engine, api_token=None) as base_url:
        api = {row["boardId"]: row["kmMedianDays"] for row in _get(base_url, "action=ranked")}
    with session_scope(engine) as session:
        scores = {
            board: details["km_median_days"]
            for board, details in session.execute(
                select(EfficiencyScore.job_board_id, EfficiencyScore.details).where(
                    EfficiencyScore.score_date == newest,
                    EfficiencyScore.role_family.is_(None),
                    EfficiencyScore.industry.is_(None),
                )
            )
        }
        metrics = dict(
            session.execute(
                select(LifespanMetric.job_board_id, LifespanMetric.km_median_days).where(
                    LifespanMetric.metric_date == newest, LifespanMetric.role_family.is_(None)
                )
            ).all()
        )
    assert api == scores == metrics
    assert None not in api.values()

    from_first_day = lifespan_stats.lifespan_ranking(
        postings_frame(engine, COLUMNS), "job_board_id", as_of=newest, tracking_start=START
    )
    late = from_first_day.filter(pl.col("job_board_id") == board_ids["late"])
    assert late["km_median_days"].item() < api[board_ids["late"]]
