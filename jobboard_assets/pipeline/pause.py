"""A test-only pause in the middle of a board-day's transaction, to crash or cut it there.

Crash-safety tests need a reliable "half-written" moment: postings merged, events written, the
snapshot not yet, all inside the board-day's open transaction. Setting

    JOBBOARD_TEST_PAUSE_MID_WRITE=<board slug>=<directory>

makes the first board-day of that board to reach that point write its process id to
`<directory>/paused` and wait (at most `MAX_PAUSE_SECONDS`) until `<directory>/resume` exists;
the test then kills the process or restarts the database, and creates `resume` to let it go on.
The pause happens once per directory: a re-run finds `paused` and does not stop.

Unset (production, the demo, every other test) it costs one environment lookup and does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_ENV = "JOBBOARD_TEST_PAUSE_MID_WRITE"
MAX_PAUSE_SECONDS = 120.0
_POLL_SECONDS = 0.05


def pause_mid_write(slug: str) -> None:
    """Stop here if the environment asks for it for this board (see the module docstring)."""
    setting = os.environ.get(PAUSE_ENV)
    if not setting:
        return
    board, _, directory = setting.partition("=")
    if board != slug:
        return
    paused, resume = Path(directory) / "paused", Path(directory) / "resume"
    try:
        with paused.open("x") as marker:  # exclusive: only the first arrival pauses
            marker.write(str(os.getpid()))
    except FileExistsError:
        return
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while not resume.exists() and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
