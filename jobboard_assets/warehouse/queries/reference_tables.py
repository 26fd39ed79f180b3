"""board_lifespan_references: written whole by the history run, read one row by the evidence."""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import BoardLifespanReference


def replace_lifespan_references(session: Session, references: pl.DataFrame) -> int:
    """Replace every row with `references` (the table's columns but `id`): the figures are a
    function of every posting of the board, so a run writes them all (one row per board and
    role family). Returns the rows written."""
    session.execute(delete(BoardLifespanReference))
    if references.height:
        session.execute(insert(BoardLifespanReference), references.to_dicts())
    return references.height


def lifespan_reference(
    session: Session, job_board_id: int, role_family: str | None
) -> dict[str, Any] | None:
    """The board's row for the role family (None matches the postings without one), or None
    when the last history run saw no posting of them."""
    reference = BoardLifespanReference
    family = (
        reference.role_family.is_(None)
        if role_family is None
        else reference.role_family == role_family
    )
    row = session.execute(
        select(
            reference.scope,
            reference.estimate_postings,
            reference.median_days,
            reference.p90_days,
            reference.median_floor_days,
        ).where(reference.job_board_id == job_board_id, family)
    ).first()
    return None if row is None else dict(row._mapping)
