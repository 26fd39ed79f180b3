"""employer_surveys and candidate_surveys: the import's insert, which never adds a survey twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import CandidateSurvey, EmployerSurvey
from jobboard_assets.warehouse.types import utcnow

SurveyKind = Literal["employer", "candidate"]

_MODELS: dict[SurveyKind, type[EmployerSurvey | CandidateSurvey]] = {
    "employer": EmployerSurvey,
    "candidate": CandidateSurvey,
}
# A survey is the same survey when its board, respondent and moment of submission are.
_IDENTITY = {
    "employer": ("job_board_id", "company_name", "contact_email", "submitted_at"),
    "candidate": ("job_board_id", "candidate_name", "contact_email", "submitted_at"),
}


def insert_surveys(
    session: Session, kind: SurveyKind, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Insert the parsed survey rows (table columns) not stored yet, in the caller's transaction.

    Returns the rows inserted: importing a file again (or a file that overlaps an earlier one)
    adds only what is new, so the survey components are never weighted twice.
    """
    fresh = _not_stored(session, kind, rows)
    if fresh:
        now = utcnow()
        session.execute(insert(_MODELS[kind]), [{**row, "created_at": now} for row in fresh])
    return fresh


def _not_stored(
    session: Session, kind: SurveyKind, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The rows whose identity is neither stored nor repeated earlier in `rows`."""
    if not rows:
        return []
    model, identity = _MODELS[kind], _IDENTITY[kind]
    moments = [row["submitted_at"] for row in rows]
    stored = session.execute(
        select(*(getattr(model, column) for column in identity)).where(
            model.job_board_id.in_({row["job_board_id"] for row in rows}),
            model.submitted_at.between(min(moments), max(moments)),
        )
    )
    seen = {tuple(row) for row in stored}
    fresh = []
    for row in rows:
        key = tuple(row.get(column) for column in identity)
        if key not in seen:
            seen.add(key)
            fresh.append(row)
    return fresh
