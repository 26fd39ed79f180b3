"""Where things live: every setting comes from the environment, with embedded defaults.

Nothing here is read at import time, so tests and the CLI can change the environment first.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "JOBBOARD_DATA_DIR"
DATABASE_URL_ENV = "JOBBOARD_DATABASE_URL"
BOARDS_FILE_ENV = "JOBBOARD_BOARDS_FILE"


def data_dir() -> Path:
    """The local data directory (git-ignored), created on demand."""
    path = Path(os.environ.get(DATA_DIR_ENV) or Path.cwd() / ".jobboard").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    """The embedded default warehouse: a SQLite file in the data directory."""
    return f"sqlite:///{data_dir() / 'warehouse.db'}"


def database_url() -> str:
    """The warehouse URL from JOBBOARD_DATABASE_URL, or the embedded SQLite default."""
    return os.environ.get(DATABASE_URL_ENV) or default_database_url()


def boards_file() -> Path:
    """The board registry: JOBBOARD_BOARDS_FILE or ./boards.yaml."""
    return Path(os.environ.get(BOARDS_FILE_ENV) or Path.cwd() / "boards.yaml").resolve()


RUN_REQUEST_TIMEOUT_ENV = "JOBBOARD_RUN_REQUEST_TIMEOUT_SECONDS"
QUEUE_TIMEOUT_ENV = "JOBBOARD_QUEUE_TIMEOUT_SECONDS"
RUN_NOW_PER_MINUTE_ENV = "JOBBOARD_RUN_NOW_PER_MINUTE"


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def run_request_timeout() -> float:
    """Seconds a Run Now request may wait to be launched before it is marked failed (15 min)."""
    return _seconds(RUN_REQUEST_TIMEOUT_ENV, 900.0)


def queue_timeout() -> float:
    """Seconds a day's scrape run (schedule, Run Now) may wait in the run queue before it is
    marked failed rather than scraping "today" on a later day (6 h)."""
    return _seconds(QUEUE_TIMEOUT_ENV, 6 * 3600.0)


def run_now_per_minute() -> int:
    """Run Now requests one token may make per minute (3)."""
    return int(_seconds(RUN_NOW_PER_MINUTE_ENV, 3))
