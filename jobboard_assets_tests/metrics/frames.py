"""Small hand-built frames with the warehouse tables' columns, for the metrics tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

DAY0 = date(2024, 1, 1)

POSTINGS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "job_board_id": pl.Int64(),
    "external_id": pl.Utf8(),
    "title": pl.Utf8(),
    "normalized_title": pl.Utf8(),
    "company": pl.Utf8(),
    "location": pl.Utf8(),
    "role_family": pl.Utf8(),
    "first_seen": pl.Date(),
    "last_seen": pl.Date(),
    "is_active": pl.Boolean(),
    "disappeared_at": pl.Date(),
    "posted_at": pl.Datetime("us", "UTC"),
    "workplace_type": pl.Utf8(),
    "salary_min": pl.Float64(),
}


def day(offset: int) -> date:
    """DAY0 + offset days: tests speak in day numbers."""
    return DAY0 + timedelta(days=offset)


def moment(offset: int) -> datetime:
    return datetime.combine(day(offset), datetime.min.time(), tzinfo=UTC)


def posting(
    id: int,  # noqa: A002 - the column it fills
    *,
    first: int,
    last: int | None = None,
    as_of: int | None = None,
    board: int = 1,
    title: str = "Data Engineer",
    company: str | None = "Acme",
    location: str | None = "Berlin",
    role_family: str | None = "data",
    posted: int | None = None,
    workplace_type: str | None = None,
    salary_min: float | None = None,
) -> dict[str, Any]:
    """One posting row. `last` given: closed after that last day; else open, seen until `as_of`."""
    disappeared_at: date | None
    if last is not None and as_of is None:
        last_seen, disappeared_at = day(last), day(last + 1)
    elif as_of is not None and last is None:
        last_seen, disappeared_at = day(as_of), None
    else:
        raise ValueError("give `last` (closed) or `as_of` (open)")
    closed = last is not None
    return {
        "id": id,
        "job_board_id": board,
        "external_id": f"ext-{id}",
        "title": title,
        "normalized_title": " ".join(title.lower().split()),
        "company": company,
        "location": location,
        "role_family": role_family,
        "first_seen": day(first),
        "last_seen": last_seen,
        "is_active": not closed,
        "disappeared_at": disappeared_at,
        "posted_at": None if posted is None else moment(posted),
        "workplace_type": workplace_type,
        "salary_min": salary_min,
    }


def postings_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=POSTINGS_SCHEMA, orient="row")


def boards_frame(industries: dict[int, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(industries),
            "slug": [f"board-{board}" for board in industries],
            "name": [f"Board {board}" for board in industries],
            "category": ["general"] * len(industries),
            "industry": list(industries.values()),
        },
        schema_overrides={"id": pl.Int64, "industry": pl.Utf8},
    )


def employer_surveys(rows: list[tuple[int, int | None, str | None, int]]) -> pl.DataFrame:
    """(job_board_id, hiring_effectiveness, candidate_quality, submitted day)."""
    return pl.DataFrame(
        {
            "job_board_id": [row[0] for row in rows],
            "hiring_effectiveness": [row[1] for row in rows],
            "fill_time_days": [30] * len(rows),
            "candidate_quality": [row[2] for row in rows],
            "submitted_at": [moment(row[3]) for row in rows],
        },
        schema_overrides={
            "job_board_id": pl.Int64,
            "hiring_effectiveness": pl.Int64,
            "fill_time_days": pl.Int64,
            "candidate_quality": pl.Utf8,
            "submitted_at": pl.Datetime("us", "UTC"),
        },
    )


CANDIDATE_ITEMS = (
    "job_board_experience",
    "posting_relevance",
    "ease_of_application",
    "likelihood_recommend",
)


def candidate_surveys(rows: list[tuple[int, tuple[int | None, ...], int]]) -> pl.DataFrame:
    """(job_board_id, the four 1-10 ratings, submitted day)."""
    return pl.DataFrame(
        {
            "job_board_id": [row[0] for row in rows],
            **{item: [row[1][i] for row in rows] for i, item in enumerate(CANDIDATE_ITEMS)},
            "submitted_at": [moment(row[2]) for row in rows],
        },
        schema_overrides={
            "job_board_id": pl.Int64,
            **dict.fromkeys(CANDIDATE_ITEMS, pl.Int64),
            "submitted_at": pl.Datetime("us", "UTC"),
        },
    )
