"""employer_surveys and candidate_surveys: the import's insert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import CandidateSurvey, EmployerSurvey
from jobboard_assets.warehouse.types import utcnow

_MODELS = {"employer": EmployerSurvey, "candidate": CandidateSurvey}


def insert_surveys(
    session: Session, kind: Literal["employer", "candidate"], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert parsed survey rows (table columns) in the caller's transaction; the row count."""
    if rows:
        now = utcnow()
        session.execute(insert(_MODELS[kind]), [{**row, "created_at": now} for row in rows])
    return len(rows)
