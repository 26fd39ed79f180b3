"""Day 11's score reports over efficiency_scores, shared by /api/scores and `jobboard scores`.

Every report reads one scoring day: the one asked for, or the newest day anything was scored.
"""

from __future__ import annotations

from datetime import date
from statistics import fmean, median
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jobboard_assets.api.endpoints import Action, Endpoint, in_session
from jobboard_assets.api.params import (
    DateParam,
    board_id_param,
    days_param,
    known_board,
    not_found,
    second_board_id_param,
    window_start,
)
from jobboard_assets.api.schemas import array_of, ref
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.warehouse.queries import score_report as report_queries
from jobboard_assets.warehouse.queries.score_report import ScoreScope

DEFAULT_TREND_DAYS = 30
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
}
# breakdown component -> (score column, nominal weight)
_COMPONENTS = {
    "lifespan": ("lifespan_score", DEFAULT_SETTINGS.lifespan_weight),
    "reposts": ("repost_score", DEFAULT_SETTINGS.repost_weight),
    "employerSurvey": ("employer_survey_score", DEFAULT_SETTINGS.employer_survey_weight),
    "candidateSurvey": ("candidate_survey_score", DEFAULT_SETTINGS.candidate_survey_weight),
}
_SCOPE_ROW_SCHEMA = {
    "job_board_id": pl.Int64,
    "board_name": pl.Utf8,
    "role_family": pl.Utf8,
    "industry": pl.Utf8,
    "overall_score": pl.Float64,
    "postings": pl.Int64,
}


def _day(session: Session, requested: date | None) -> date | None:
    return requested or report_queries.latest_score_date(session)


def _rows_of_day(
    session: Session, scope: ScoreScope, day: date | None, job_board_id: int | None = None
) -> list[dict[str, Any]]:
    if day is None:
        return []
    return report_queries.score_rows(
        session, scope, first_day=day, last_day=day, job_board_id=job_board_id
    )


def ranked(session: Session, day: date | None = None) -> list[dict[str, Any]]:
    """Every board's score of the day, best first, with rank and grade."""
    rows = _rows_of_day(session, "board", _day(session, day))
    return [{field: row[column] for column, field in _RANKED_FIELDS.items()} for row in rows]


def breakdown(session: Session, board_id: int, day: date | None = None) -> dict[str, Any]:
    """A board's four components: weight, score and contribution to the overall score.

    A component without data has no score and gives its weight to the others in proportion
    (`effectiveWeight`); the contributions add up to `baseScore`, and
    overallScore = baseScore x qualityAdjustment.
    """
    board_name = known_board(board_id, report_queries.board_names(session))
    scoring_day = _day(session, day)
    rows = _rows_of_day(session, "board", scoring_day, board_id)
    if not rows:
        raise not_found(f"board {board_id} has no score for {scoring_day or 'any day'}")
    row = rows[0]
    weight_with_data = sum(
        weight for column, weight in _COMPONENTS.values() if row[column] is not None
    )
    components, base_score = {}, 0.0
    for name, (column, weight) in _COMPONENTS.items():
        score = row[column]
        effective = weight / weight_with_data if score is not None and weight_with_data else 0.0
        base_score += (score or 0.0) * effective
        components[name] = {
            "weight": weight,
            "effectiveWeight": round(effective, 4),
            "score": score,
            "contribution": round(score * effective, 2) if score is not None else None,
        }
    return {
        "boardId": board_id,
        "boardName": board_name,
        "scoreDate": row["score_date"],
        "overallScore": row["overall_score"],
        "grade": row["grade"],
        "baseScore": round(base_score, 2),
        "qualityAdjustment": row["quality_adjustment"],
        "dataCompleteness": row["data_completeness"],
        "components": components,
    }


def compare(
    session: Session, board_id: int, other_board_id: int, day: date | None = None
) -> dict[str, Any]:
    """Two boards' breakdowns of the same scoring day side by side (day 11's compare)."""
    scoring_day = _day(session, day)
    return {
        "board1": breakdown(session, board_id, scoring_day),
        "board2": breakdown(session, other_board_id, scoring_day),
    }


def by_scope(session: Session, scope: ScoreScope, day: date | None = None) -> list[dict[str, Any]]:
    """Per role family (or industry): average and median score, boards, postings, best board."""
    rows = _rows_of_day(session, scope, _day(session, day))
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


def trends(
    session: Session, board_id: int, days: int, last_day: date | None = None
) -> list[dict[str, Any]]:
    """A board's overall score per day over `days` days ending on the newest scoring day."""
    known_board(board_id, report_queries.board_names(session))
    end = _day(session, last_day)
    if end is None:
        return []
    rows = report_queries.score_rows(
        session,
        "board",
        first_day=window_start(end, days),
        last_day=end,
        job_board_id=board_id,
    )
    return [
        {
            "date": row["score_date"],
            "overallScore": row["overall_score"],
            "grade": row["grade"],
            "rank": row["rank"],
            "trend": row["trend"],
        }
        for row in rows
    ]


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
    """Day 11's whole report: statistics, ranking, top and bottom boards, histogram, role families."""
    scoring_day = _day(session, day)
    boards = ranked(session, scoring_day)
    graded = [board for board in boards if board["overallScore"] is not None]
    return {
        "scoreDate": scoring_day,
        "statistics": statistics(boards),
        "ranked": boards,
        "top": graded[:EXTREMES],
        "bottom": graded[-EXTREMES:][::-1],
        "distribution": distribution(boards),
        "byRole": by_scope(session, "role_family", scoring_day),
    }


_DAY = DateParam(
    "date", "The scoring day (default: the newest day scored); for trends, the last day."
)

SCORES = Endpoint(
    path="/api/scores",
    summary="Board efficiency scores (day 11), read from efficiency_scores",
    actions={
        "ranked": Action(
            in_session(lambda session, params: ranked(session, params.get("date"))),
            "Every board's score of the day, best first, with rank and grade.",
            array_of("RankedScore"),
        ),
        "breakdown": Action(
            in_session(
                lambda session, params: breakdown(session, params["boardId"], params.get("date"))
            ),
            "One board's four components: weight, score, contribution; quality adjustment, completeness.",
            ref("ScoreBreakdown"),
            required=("boardId",),
        ),
        "compare": Action(
            in_session(
                lambda session, params: compare(
                    session, params["boardId"], params["boardId2"], params.get("date")
                )
            ),
            "Two boards' breakdowns of the same scoring day, side by side.",
            ref("ScoreComparison"),
            required=("boardId", "boardId2"),
        ),
        "by-role": Action(
            in_session(
                lambda session, params: by_scope(session, "role_family", params.get("date"))
            ),
            "Per role family: average and median score, boards, postings and the best board.",
            array_of("RoleScore"),
        ),
        "by-industry": Action(
            in_session(lambda session, params: by_scope(session, "industry", params.get("date"))),
            "Per industry: average and median score, boards, postings and the best board.",
            array_of("IndustryScore"),
        ),
        "trends": Action(
            in_session(
                lambda session, params: trends(
                    session,
                    params["boardId"],
                    params.get("days", DEFAULT_TREND_DAYS),
                    params.get("date"),
                )
            ),
            f"One board's overall score per day over `days` days (default {DEFAULT_TREND_DAYS}).",
            array_of("ScoreTrend"),
            required=("boardId",),
        ),
        "distribution": Action(
            in_session(lambda session, params: distribution(ranked(session, params.get("date")))),
            "Boards per 20-point score band.",
            array_of("ScoreBand"),
        ),
        "summary": Action(
            in_session(lambda session, params: report(session, params.get("date"))),
            "The whole report `jobboard scores --json` prints.",
            ref("ScoreReport"),
        ),
    },
    params=(
        board_id_param("breakdown, trends, compare: the board."),
        second_board_id_param("compare: the other board."),
        days_param(f"trends: the window in days (default {DEFAULT_TREND_DAYS})."),
        _DAY,
    ),
)
