"""`sync_boards` on SQLite and PostgreSQL: upsert by slug, disable what the registry dropped."""

from __future__ import annotations

from sqlalchemy import Engine, select

from jobboard_assets.sources.records import BoardConfig
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard
from jobboard_assets.warehouse.queries.boards import (
    SyncResult,
    board_config_from_row,
    board_ids_by_slug,
    list_boards,
    sync_boards,
)

ACME = BoardConfig(
    "acme",
    "Acme Corp",
    "lever",
    "https://api.lever.co/v0/postings/acme",
    category="tech",
    options={"page_size": 50, "min_interval_seconds": 2.0},
)
GLOBEX = BoardConfig(
    "globex", "Globex", "greenhouse", "https://boards-api.greenhouse.io/v1/boards/globex/jobs"
)
WWR = BoardConfig(
    "wwr", "We Work Remotely", "rss", "https://weworkremotely.com/remote-jobs.rss", enabled=False
)


def test_sync_adds_updates_and_disables_without_deleting(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = sync_boards(session, [ACME, GLOBEX, WWR])
    with session_scope(engine) as session:
        ids_before = board_ids_by_slug(session)
        unchanged = sync_boards(session, [ACME, GLOBEX, WWR])
    renamed = BoardConfig(**{**ACME.__dict__, "name": "Acme Inc", "options": {"page_size": 25}})
    with session_scope(engine) as session:
        second = sync_boards(session, [renamed, WWR])

    assert first == SyncResult(added=["acme", "globex", "wwr"], updated=[], disabled=[])
    assert unchanged == SyncResult()
    assert second == SyncResult(added=[], updated=["acme"], disabled=["globex"])
    with session_scope(engine) as session:
        assert board_ids_by_slug(session) == ids_before  # same rows: updated in place, none deleted
        boards = {board.slug: board for board in list_boards(session)}
        assert boards["acme"] == renamed
        assert boards["globex"] == BoardConfig(**{**GLOBEX.__dict__, "enabled": False})
        assert [board.slug for board in list_boards(session, enabled_only=True)] == ["acme"]


def test_a_disabled_board_comes_back_when_listed_again(engine: Engine) -> None:
    with session_scope(engine) as session:
        sync_boards(session, [ACME, GLOBEX])
    with session_scope(engine) as session:
        sync_boards(session, [ACME])
    with session_scope(engine) as session:
        again = sync_boards(session, [ACME, GLOBEX])
        assert again == SyncResult(updated=["globex"])
        assert [board.slug for board in list_boards(session, enabled_only=True)] == [
            "acme",
            "globex",
        ]


def test_a_row_reads_back_as_the_same_board_config(engine: Engine) -> None:
    with session_scope(engine) as session:
        sync_boards(session, [ACME])
    with session_scope(engine) as session:
        row = session.scalars(select(JobBoard).where(JobBoard.slug == "acme")).one()
        assert board_config_from_row(row) == ACME
