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
