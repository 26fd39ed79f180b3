"""Constraints the metrics rely on, checked on both backends."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import EfficiencyScore, JobBoard, JobPosting


def _board(engine: Engine) -> int:
    with session_scope(engine) as session:
        board = JobBoard(slug="acme", name="Acme", kind="lever", url="http://127.0.0.1/x")
        session.add(board)
        session.flush()
        return board.id


@pytest.mark.parametrize(
    "role_family,industry", [(None, None), ("engineering", None), (None, "tech")]
)
def test_one_score_per_board_day_role_and_industry_with_nulls(
    engine: Engine, role_family, industry
) -> None:
    board_id = _board(engine)
    score = {
        "job_board_id": board_id,
        "score_date": date(2026, 3, 1),
        "role_family": role_family,
        "industry": industry,
    }
    with session_scope(engine) as session:
        session.add(EfficiencyScore(**score, overall_score=50))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(EfficiencyScore(**score, overall_score=60))


def test_posting_is_unique_per_board_and_external_id(engine: Engine) -> None:
    board_id = _board(engine)
    posting = {
        "job_board_id": board_id,
        "external_id": "42",
        "title": "Engineer",
        "first_seen": date(2026, 3, 1),
        "last_seen": date(2026, 3, 1),
    }
    with session_scope(engine) as session:
        session.add(JobPosting(**posting))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(JobPosting(**posting))
