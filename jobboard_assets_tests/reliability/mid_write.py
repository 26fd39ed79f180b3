"""A pause in the middle of a board-day's transaction, to crash or cut it there (tests only).

Crash-safety tests need a reliable "half-written" moment: postings merged, events written, the
snapshot not yet, all inside the board-day's open transaction. The production code knows nothing
of it: `support.pause_env` puts `startup/` on the PYTHONPATH of the processes a test starts
(`jobboard run`, and the daemon with its code server and run workers), whose `sitecustomize`
calls `install_from_environment`. That registers a SQLAlchemy `do_orm_execute` listener (a
public extension point) which, when the board named by

    JOBBOARD_TEST_PAUSE_MID_WRITE=<board slug>=<directory>

is about to insert its snapshot, writes its process id to `<directory>/paused` and waits (at most
`MAX_PAUSE_SECONDS`) until `<directory>/resume` exists; the test then kills the process or
restarts the database, and creates `resume` to let it go on. The pause happens once per
directory: a re-run finds `paused` and does not stop.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import ORMExecuteState

PAUSE_ENV = "JOBBOARD_TEST_PAUSE_MID_WRITE"
MAX_PAUSE_SECONDS = 120.0
_POLL_SECONDS = 0.05
STARTUP_DIR = Path(__file__).resolve().parent / "startup"
"""Holds the `sitecustomize.py` that installs the pause in every process started with it."""


def install_from_environment() -> None:
    """Listen for the snapshot insert if this process was started with PAUSE_ENV set."""
    setting = os.environ.get(PAUSE_ENV)
    if not setting:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    slug, _, directory = setting.partition("=")

    def before_statement(state: ORMExecuteState) -> None:
        if _is_snapshot_insert_of(state, slug):
            pause(Path(directory))

    event.listen(Session, "do_orm_execute", before_statement)


def _is_snapshot_insert_of(state: ORMExecuteState, slug: str) -> bool:
    from sqlalchemy import select

    from jobboard_assets.warehouse.models import JobBoard, RawDataSnapshot

    table = getattr(state.statement, "table", None)
    if not state.is_insert or table is not RawDataSnapshot.__table__:
        return False
    params = state.parameters
    rows = [params] if isinstance(params, Mapping) else list(params or [])
    board_ids = {row.get("job_board_id") for row in rows}
    slugs = state.session.scalars(select(JobBoard.slug).where(JobBoard.id.in_(board_ids)))
    return slug in set(slugs)


def pause(directory: Path) -> None:
    """Mark this process paused and wait for `resume`; only the first arrival pauses."""
    paused, resume = directory / "paused", directory / "resume"
    try:
        with paused.open("x") as marker:  # exclusive: only the first arrival pauses
            marker.write(str(os.getpid()))
    except FileExistsError:
        return
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while not resume.exists() and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
