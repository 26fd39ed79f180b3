"""job_boards: the registry mirrored into the warehouse. Boards are disabled, never deleted,
because their postings, snapshots and scores keep referring to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse.models import JobBoard
from jobboard_assets.warehouse.queries.upsert import upsert
from jobboard_assets.warehouse.types import utcnow

SYNCED_COLUMNS = ("name", "kind", "url", "enabled", "category", "industry", "options")


@dataclass(frozen=True)
class SyncResult:
    """The slugs each sync touched; boards already up to date appear in none of the lists."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)


def sync_boards(session: Session, boards: list[BoardConfig]) -> SyncResult:
    """Make job_boards match the registry: insert new boards, update changed ones by slug, and
    disable (keep) boards the registry no longer lists."""
    stored = {
        row.slug: row
        for row in session.execute(
            select(JobBoard.slug, *(getattr(JobBoard, c) for c in SYNCED_COLUMNS))
        )
    }
    added = [board for board in boards if board.slug not in stored]
    updated = [
        board
        for board in boards
        if board.slug in stored
        and _columns(board) != {c: getattr(stored[board.slug], c) for c in SYNCED_COLUMNS}
    ]
    now = utcnow()
    upsert(
        session,
        JobBoard.__table__,
        [{"slug": board.slug, **_columns(board), "updated_at": now} for board in added + updated],
        conflict_columns=["slug"],
    )
    listed = {board.slug for board in boards}
    disabled = sorted(slug for slug, row in stored.items() if slug not in listed and row.enabled)
    if disabled:
        session.execute(
            update(JobBoard)
            .where(JobBoard.slug.in_(disabled))
            .values(enabled=False, updated_at=now)
        )
    return SyncResult(
        added=[board.slug for board in added],
        updated=[board.slug for board in updated],
        disabled=disabled,
    )


def list_boards(session: Session, *, enabled_only: bool = False) -> list[BoardConfig]:
    """The boards of the warehouse by slug, as the sources take them."""
    query = select(JobBoard).order_by(JobBoard.slug)
    if enabled_only:
        query = query.where(JobBoard.enabled.is_(True))
    return [board_config_from_row(row) for row in session.scalars(query)]


def board_ids_by_slug(session: Session) -> dict[str, int]:
    """job_boards.id of every board, disabled ones included, keyed by slug."""
    return dict(session.execute(select(JobBoard.slug, JobBoard.id)).all())


def board_config_from_row(row: JobBoard) -> BoardConfig:
    """A job_boards row as the `BoardConfig` the sources scrape."""
    return BoardConfig(
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        url=row.url,
        enabled=row.enabled,
        category=row.category,
        industry=row.industry,
        options=dict(row.options or {}),
    )


def _columns(board: BoardConfig) -> dict[str, Any]:
    return {column: getattr(board, column) for column in SYNCED_COLUMNS}
