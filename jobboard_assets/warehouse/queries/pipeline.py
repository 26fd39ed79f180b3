"""The seed's pipeline views: pipeline_stats, pipeline_schedule, pipeline_job_stats."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def _rows(session: Session, sql: str) -> list[dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in row.items()}
        for row in session.execute(text(sql)).mappings()
    ]


def _plain(value: Any) -> Any:
    """Decimal (PostgreSQL) and float (SQLite) become the same JSON-friendly float."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def pipeline_stats(session: Session) -> dict[str, Any]:
    """All-time run statistics (the `pipeline_stats` view)."""
    return _rows(session, "SELECT * FROM pipeline_stats")[0]


def pipeline_schedule(session: Session) -> list[dict[str, Any]]:
    """Runs and success rate per day, newest first (the `pipeline_schedule` view)."""
    rows = _rows(session, "SELECT * FROM pipeline_schedule ORDER BY run_date DESC")
    for row in rows:
        row["run_date"] = str(row["run_date"])
    return rows


def pipeline_job_stats(session: Session) -> list[dict[str, Any]]:
    """Success rate and duration per job type (the `pipeline_job_stats` view)."""
    return _rows(session, "SELECT * FROM pipeline_job_stats ORDER BY job_type")
