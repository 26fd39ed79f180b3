"""Frames the scoring reads (boards, surveys, previous scores) and the daily score write."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Engine, delete, func, insert, select

from jobboard_assets.warehouse.models import (
    CandidateSurvey,
    EfficiencyScore,
    EmployerSurvey,
    JobBoard,
)
from jobboard_assets.warehouse.queries.frames import read_frame
from jobboard_assets.warehouse.queries.upsert import lock_for_replace
from jobboard_assets.warehouse.types import utcnow


def boards_frame(engine: Engine) -> pl.DataFrame:
    """`id`, `slug`, `name`, `category`, `industry` of every board."""
    return read_frame(
        engine,
        select(JobBoard.id, JobBoard.slug, JobBoard.name, JobBoard.category, JobBoard.industry),
        {
            "id": pl.Int64(),
            "slug": pl.Utf8(),
            "name": pl.Utf8(),
            "category": pl.Utf8(),
            "industry": pl.Utf8(),
        },
    )


def employer_surveys_frame(engine: Engine) -> pl.DataFrame:
    return read_frame(
        engine,
        select(
            EmployerSurvey.job_board_id,
            EmployerSurvey.hiring_effectiveness,
            EmployerSurvey.fill_time_days,
            EmployerSurvey.candidate_quality,
            EmployerSurvey.submitted_at,
        ),
        {
            "job_board_id": pl.Int64(),
            "hiring_effectiveness": pl.Int64(),
            "fill_time_days": pl.Int64(),
            "candidate_quality": pl.Utf8(),
            "submitted_at": pl.Datetime("us", "UTC"),
        },
    )


def candidate_surveys_frame(engine: Engine) -> pl.DataFrame:
    return read_frame(
        engine,
        select(
            CandidateSurvey.job_board_id,
            CandidateSurvey.job_board_experience,
            CandidateSurvey.posting_relevance,
            CandidateSurvey.ease_of_application,
            CandidateSurvey.likelihood_recommend,
            CandidateSurvey.submitted_at,
        ),
        {
            "job_board_id": pl.Int64(),
            "job_board_experience": pl.Int64(),
            "posting_relevance": pl.Int64(),
            "ease_of_application": pl.Int64(),
            "likelihood_recommend": pl.Int64(),
            "submitted_at": pl.Datetime("us", "UTC"),
        },
    )


def scores_of_day(engine: Engine, day: date) -> pl.DataFrame:
    """`job_board_id`, `role_family`, `industry`, `overall_score` of one day's rows."""
    return read_frame(
        engine,
        select(
            EfficiencyScore.job_board_id,
            EfficiencyScore.role_family,
            EfficiencyScore.industry,
            EfficiencyScore.overall_score,
        ).where(EfficiencyScore.score_date == day),
        {
            "job_board_id": pl.Int64(),
            "role_family": pl.Utf8(),
            "industry": pl.Utf8(),
            "overall_score": pl.Float64(),
        },
    )


def replace_scores(engine: Engine, day: date, scores: pl.DataFrame) -> int:
    """Replace the day's rows with `scores` in one transaction (re-runs are idempotent)."""
    now = utcnow()
    rows = [
        {**row, "score_date": day, "created_at": now, "updated_at": now}
        for row in scores.to_dicts()
    ]
    with engine.begin() as connection:
        lock_for_replace(connection, EfficiencyScore.__table__)
        connection.execute(delete(EfficiencyScore).where(EfficiencyScore.score_date == day))
        if rows:
            connection.execute(insert(EfficiencyScore), rows)
    return len(rows)


def latest_board_scores(engine: Engine) -> tuple[date | None, list[dict[str, Any]]]:
    """The newest score day and its per-board rows (board name, score, grade, details), by rank."""
    with engine.connect() as connection:
        day = connection.execute(select(func.max(EfficiencyScore.score_date))).scalar()
        if day is None:
            return None, []
        rows = connection.execute(
            select(JobBoard.name, JobBoard.slug, EfficiencyScore)
            .join(JobBoard, JobBoard.id == EfficiencyScore.job_board_id)
            .where(
                EfficiencyScore.score_date == day,
                EfficiencyScore.role_family.is_(None),
                EfficiencyScore.industry.is_(None),
            )
            .order_by(EfficiencyScore.rank.nulls_last(), JobBoard.name)
        ).mappings()
        return day, [dict(row) for row in rows]
