"""cross_board_jobs: the postings listed as the same job on another board, replaced whole."""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from jobboard_assets.warehouse.models import CrossBoardJob


def replace_cross_board_jobs(session: Session, links: list[dict[str, int]]) -> None:
    """Replace every row with `links` ({job_posting_id, job_group_id}): the groups are a
    function of the whole history, so a run writes them all (a few percent of the postings)."""
    session.execute(delete(CrossBoardJob))
    if links:
        session.execute(insert(CrossBoardJob), links)
