"""raw_data_snapshots: the contract's unique (board, day) constraint, and the explicit upsert."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard
from jobboard_assets.warehouse.queries import snapshots

DAY = date(2026, 3, 1)


def _board(engine: Engine) -> int:
    with session_scope(engine) as session:
        board = JobBoard(slug="acme", name="Acme Jobs", kind="greenhouse", url="http://127.0.0.1/x")
        session.add(board)
        session.flush()
        return board.id


def _snapshot(board_id: int, posting_count: int) -> dict:
    return {
        "job_board_id": board_id,
        "board_name": "Acme Jobs",
        "snapshot_date": DAY,
        "posting_count": posting_count,
        "new_postings": 1,
        "active_postings": posting_count,
        "disappeared_postings": 0,
        "repost_count": 0,
        "data": {"postings": [], "stats": {"posting_count": posting_count}},
    }


def test_second_snapshot_same_board_and_day_is_rejected(engine: Engine) -> None:
    board_id = _board(engine)
    with session_scope(engine) as session:
        snapshots.insert_snapshot(session, _snapshot(board_id, 10))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        snapshots.insert_snapshot(session, _snapshot(board_id, 11))


def test_upsert_replaces_the_days_snapshot(engine: Engine) -> None:
    board_id = _board(engine)
    with session_scope(engine) as session:
        snapshots.upsert_snapshot(session, _snapshot(board_id, 10))
    with session_scope(engine) as session:
        snapshots.upsert_snapshot(session, _snapshot(board_id, 12))
    with session_scope(engine) as session:
        row = snapshots.get_snapshot(session, board_id, DAY)
        assert row is not None
        assert row.posting_count == 12
        assert row.data == {"postings": [], "stats": {"posting_count": 12}}
        assert session.query(type(row)).count() == 1
