"""The score report over efficiency_scores, read by /api/scores and `jobboard scores` alike.

The reports aggregate in polars (a median is not portable SQL), so these functions only select
rows and hand them back as plain dicts with the board's name beside each.
"""

from __future__ import annotations

from datetime import date
from statistics import fmean, median
from typing import Any, Literal

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobboard_assets.metrics.verdict import bounded_grade, ghost_heavy
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
    stating pay), both kept in `details`, and the verdict where the evidence is there
    (`bounded_grade`, `ghost_heavy`: `metrics.verdict`); ordered by day, then rank.
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
        judged = {**details, **values}
        values["bounded_grade"] = bounded_grade(judged)
        values["ghost_heavy"] = ghost_heavy(judged)
        rows.append(values)
    return rows


EXTREMES = 5  # boards in the top and bottom lists
HISTOGRAM = ((0.0, 20.0), (20.0, 40.0), (40.0, 60.0), (60.0, 80.0), (80.0, 100.0))

# efficiency_scores column -> field of a ranked row
_RANKED_FIELDS = {
    "rank": "rank",
    "job_board_id": "boardId",
    "board_name": "boardName",
    "score_date": "scoreDate",
    "overall_score": "overallScore",
    "grade": "grade",
    "lifespan_score": "lifespanScore",
    "repost_score": "repostScore",
    "employer_survey_score": "employerSurveyScore",
    "candidate_survey_score": "candidateSurveyScore",
    "quality_adjustment": "qualityAdjustment",
    "data_completeness": "dataCompleteness",
    "percentile": "percentile",
    "trend": "trend",
    "postings": "postings",
    "pay_stated_pct": "payStatedPct",
    "insufficient_data": "insufficientData",
    "fake_fresh_share": "fakeFreshShare",
    "median_lifespan_days": "medianLifespanDays",
    "median_lifespan_ci": "medianLifespanCi",
    "estimate_postings": "estimatePostings",
    "bounded_grade": "boundedGrade",
    "ghost_heavy": "ghostHeavy",
}
_SCOPE_ROW_SCHEMA = {
    "job_board_id": pl.Int64,
    "board_name": pl.Utf8,
    "role_family": pl.Utf8,
    "industry": pl.Utf8,
    "overall_score": pl.Float64,
    "postings": pl.Int64,
}


def scoring_day(session: Session, requested: date | None) -> date | None:
    """The day asked for, or the newest day anything was scored."""
    return requested or latest_score_date(session)


def rows_of_day(
    session: Session, scope: ScoreScope, day: date | None, job_board_id: int | None = None
) -> list[dict[str, Any]]:
    """The score rows of one scope on one day (none without a day)."""
    if day is None:
        return []
    return score_rows(session, scope, first_day=day, last_day=day, job_board_id=job_board_id)


def ranked(session: Session, day: date | None = None) -> list[dict[str, Any]]:
    """Every board's score of the day, best first, with rank and grade."""
    rows = rows_of_day(session, "board", scoring_day(session, day))
    return [{field: row[column] for column, field in _RANKED_FIELDS.items()} for row in rows]


def by_scope(session: Session, scope: ScoreScope, day: date | None = None) -> list[dict[str, Any]]:
    """Per role family (or industry): average and median score, boards, postings, best board."""
    rows = rows_of_day(session, scope, scoring_day(session, day))
    frame = pl.DataFrame(
        [{key: row[key] for key in _SCOPE_ROW_SCHEMA} for row in rows], schema=_SCOPE_ROW_SCHEMA
    )

    def best(column: str) -> pl.Expr:
        return (
            pl.col(column)
            .sort_by(["overall_score", "job_board_id"], descending=[True, False])
            .first()
        )

    summary = (
        frame.filter(pl.col("overall_score").is_not_null())
        .group_by(scope)
        .agg(
            averageScore=pl.col("overall_score").mean().round(2),
            medianScore=pl.col("overall_score").median().round(2),
            boards=pl.col("job_board_id").n_unique().cast(pl.Int64),
            postings=pl.col("postings").sum().cast(pl.Int64),
            bestBoardId=best("job_board_id"),
            bestBoard=best("board_name"),
            bestScore=best("overall_score"),
        )
        .sort(["averageScore", scope], descending=[True, False])
    )
    key = "roleFamily" if scope == "role_family" else "industry"
    return summary.rename({scope: key}).to_dicts()


def distribution(boards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Boards per 20-point score band (the last band includes 100), from `ranked` rows."""
    scores = [row["overallScore"] for row in boards if row["overallScore"] is not None]
    bands = []
    for low, high in HISTOGRAM:
        last = high == HISTOGRAM[-1][1]
        count = sum(low <= score < high or (last and score == high) for score in scores)
        bands.append(
            {
                "range": f"{low:.0f}-{high:.0f}",
                "min": low,
                "max": high,
                "count": count,
                "percentage": round(100.0 * count / len(scores), 1) if scores else None,
            }
        )
    return bands


def statistics(boards: list[dict[str, Any]]) -> dict[str, Any]:
    """Boards scored, with insufficient data, average and median overall score (`ranked` rows)."""
    scores = [row["overallScore"] for row in boards if row["overallScore"] is not None]
    return {
        "boardsScored": len(boards),
        "boardsInsufficientData": sum(1 for row in boards if row["insufficientData"]),
        "averageScore": round(fmean(scores), 2) if scores else None,
        "medianScore": round(median(scores), 2) if scores else None,
    }


def report(session: Session, day: date | None = None) -> dict[str, Any]:
    """The whole score report: statistics, ranking, top and bottom boards, histogram, role families."""
    scored_on = scoring_day(session, day)
    boards = ranked(session, scored_on)
    graded = [board for board in boards if board["overallScore"] is not None]
    return {
        "scoreDate": scored_on,
        "statistics": statistics(boards),
        "ranked": boards,
        "top": graded[:EXTREMES],
        "bottom": graded[-EXTREMES:][::-1],
        "distribution": distribution(boards),
        "byRole": by_scope(session, "role_family", scored_on),
    }
