"""Reads of efficiency_scores for the score reports (API and `jobboard scores`).

The reports aggregate in polars (a median is not portable SQL), so these functions only select
rows and hand them back as plain dicts with the board's name beside each.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import EfficiencyScore, JobBoard

ScoreScope = Literal["board", "role_family", "industry"]

_SCORE_COLUMNS = (
    EfficiencyScore.job_board_id,
    JobBoard.name.label("board_name"),
    EfficiencyScore.score_date,
    EfficiencyScore.role_family,
    EfficiencyScore.industry,
    EfficiencyScore.overall_score,
    EfficiencyScore.lifespan_score,
    EfficiencyScore.repost_score,
    EfficiencyScore.employer_survey_score,
    EfficiencyScore.candidate_survey_score,
    EfficiencyScore.quality_adjustment,
    EfficiencyScore.data_completeness,
    EfficiencyScore.fake_fresh_share,
    EfficiencyScore.grade,
    EfficiencyScore.rank,
    EfficiencyScore.percentile,
    EfficiencyScore.trend,
    EfficiencyScore.details,
)

# A row scores the whole board, the board within one role family, or the board within its industry.
_SCOPE_FILTERS = {
    "board": (EfficiencyScore.role_family.is_(None), EfficiencyScore.industry.is_(None)),
    "role_family": (EfficiencyScore.role_family.is_not(None),),
    "industry": (EfficiencyScore.industry.is_not(None),),
}


def latest_score_date(session: Session) -> date | None:
    """The newest day anything was scored, or None before the first score."""
    return session.scalar(select(func.max(EfficiencyScore.score_date)))


def board_names(session: Session) -> dict[int, str]:
    """Every board's name by id, to validate a requested board before reading its scores."""
    return dict(session.execute(select(JobBoard.id, JobBoard.name)).all())


def score_rows(
    session: Session,
    scope: ScoreScope,
    *,
    first_day: date,
    last_day: date,
    job_board_id: int | None = None,
) -> list[dict[str, Any]]:
    """Score rows of one scope between two days (inclusive), optionally of one board.

    Each row has the efficiency_scores columns plus `board_name`, `postings` (the posting
    count the score was computed from) and `pay_stated_pct` (board rows: the share of postings
    stating pay), both kept in `details`; ordered by day, then rank.
    """
    query = (
        select(*_SCORE_COLUMNS)
        .join(JobBoard, JobBoard.id == EfficiencyScore.job_board_id)
        .where(*_SCOPE_FILTERS[scope], EfficiencyScore.score_date.between(first_day, last_day))
        .order_by(
            EfficiencyScore.score_date,
            EfficiencyScore.rank.nulls_last(),  # insufficient data (no rank) after every rank
            EfficiencyScore.job_board_id,
        )
    )
    if job_board_id is not None:
        query = query.where(EfficiencyScore.job_board_id == job_board_id)
    rows = []
    for row in session.execute(query).mappings():
        values = dict(row)
        details = values.pop("details") or {}
        values["postings"] = details.get("postings")
        values["pay_stated_pct"] = details.get("pay_stated_pct")
        values["insufficient_data"] = bool(details.get("insufficient_data", False))
        values["median_lifespan_days"] = details.get("km_median_days")
        values["median_lifespan_ci"] = [
            details.get("km_median_ci_low_days"),
            details.get("km_median_ci_high_days"),
        ]
        values["estimate_postings"] = details.get("estimate_postings")
        rows.append(values)
    return rows
