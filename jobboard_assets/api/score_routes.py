"""The score reports over efficiency_scores, shared by /api/scores and `jobboard scores`.

Every report reads one scoring day: the one asked for, or the newest day anything was scored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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
from jobboard_assets.warehouse.queries import score_report

DEFAULT_TREND_DAYS = 30
# breakdown component -> (score column, nominal weight)
_COMPONENTS = {
    "lifespan": ("lifespan_score", DEFAULT_SETTINGS.lifespan_weight),
    "reposts": ("repost_score", DEFAULT_SETTINGS.repost_weight),
    "employerSurvey": ("employer_survey_score", DEFAULT_SETTINGS.employer_survey_weight),
    "candidateSurvey": ("candidate_survey_score", DEFAULT_SETTINGS.candidate_survey_weight),
}


def breakdown(session: Session, board_id: int, day: date | None = None) -> dict[str, Any]:
    """A board's four components: weight, score and contribution to the overall score.

    A component without data has no score and gives its weight to the others in proportion
    (`effectiveWeight`); the contributions add up to `baseScore`, and
    overallScore = baseScore x qualityAdjustment.
    """
    board_name = known_board(board_id, score_report.board_names(session))
    scoring_day = score_report.scoring_day(session, day)
    rows = score_report.rows_of_day(session, "board", scoring_day, board_id)
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
    """Two boards' breakdowns of the same scoring day side by side (the specified compare)."""
    scoring_day = score_report.scoring_day(session, day)
    return {
        "board1": breakdown(session, board_id, scoring_day),
        "board2": breakdown(session, other_board_id, scoring_day),
    }


def trends(
    session: Session, board_id: int, days: int, last_day: date | None = None
) -> list[dict[str, Any]]:
    """A board's overall score per day over `days` days ending on the newest scoring day."""
    known_board(board_id, score_report.board_names(session))
    end = score_report.scoring_day(session, last_day)
    if end is None:
        return []
    rows = score_report.score_rows(
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


_DAY = DateParam(
    "date", "The scoring day (default: the newest day scored); for trends, the last day."
)

SCORES = Endpoint(
    path="/api/scores",
    summary="Board efficiency scores , read from efficiency_scores",
    actions={
        "ranked": Action(
            in_session(lambda session, params: score_report.ranked(session, params.get("date"))),
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
                lambda session, params: score_report.by_scope(
                    session, "role_family", params.get("date")
                )
            ),
            "Per role family: average and median score, boards, postings and the best board.",
            array_of("RoleScore"),
        ),
        "by-industry": Action(
            in_session(
                lambda session, params: score_report.by_scope(
                    session, "industry", params.get("date")
                )
            ),
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
            in_session(
                lambda session, params: score_report.distribution(
                    score_report.ranked(session, params.get("date"))
                )
            ),
            "Boards per 20-point score band.",
            array_of("ScoreBand"),
        ),
        "summary": Action(
            in_session(lambda session, params: score_report.report(session, params.get("date"))),
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
