"""Where things live: every setting comes from the environment, with embedded defaults.

Nothing here is read at import time, so tests and the CLI can change the environment first.
Two settings are read while the Dagster definitions load (not later, per run): `start_date`
(the daily partitions are part of the definitions) and `celery_config_file` (which job the
schedule and Run Now launch).
"""

from __future__ import annotations

import os
from datetime import date
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


START_DATE_ENV = "JOBBOARD_START_DATE"
DEFAULT_START_DATE = date(2026, 1, 1)


def start_date() -> date:
    """First day of the daily partitions: JOBBOARD_START_DATE (ISO date) or 2026-01-01.

    Read once, when lib/partitions.py builds the partitions (the code location's import), so it
    must be set before Dagster, the CLI or a test loads the definitions.
    """
    value = os.environ.get(START_DATE_ENV)
    return date.fromisoformat(value) if value else DEFAULT_START_DATE


CELERY_CONFIG_ENV = "JOBBOARD_CELERY_CONFIG"


def celery_config_file() -> Path | None:
    """JOBBOARD_CELERY_CONFIG: the Celery workers' config (celery.yaml) when this deployment
    scrapes on them (the schedule, Run Now and `jobboard run`); unset: in the run's process."""
    value = os.environ.get(CELERY_CONFIG_ENV)
    return Path(value).resolve() if value else None


RUN_REQUEST_TIMEOUT_ENV = "JOBBOARD_RUN_REQUEST_TIMEOUT_SECONDS"
QUEUE_TIMEOUT_ENV = "JOBBOARD_QUEUE_TIMEOUT_SECONDS"
RUN_NOW_PER_MINUTE_ENV = "JOBBOARD_RUN_NOW_PER_MINUTE"
FRAME_CACHE_RECHECK_ENV = "JOBBOARD_FRAME_CACHE_RECHECK_SECONDS"


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
    """Run Now requests accepted in any 60 seconds, by every API process together (3)."""
    return int(_seconds(RUN_NOW_PER_MINUTE_ENV, 3))


def frame_cache_recheck() -> float:
    """Seconds before the postings copy's newest write whose rows a history run reads again
    (`pipeline.frame_cache`; 5 min: longer than any transaction that writes postings)."""
    return _seconds(FRAME_CACHE_RECHECK_ENV, 300.0)


API_TOKEN_ENV = "JOBBOARD_API_TOKEN"


def api_token() -> str | None:
    """The bearer token Run Now (POST /api/pipeline) asks for; None keeps Run Now closed."""
    return os.environ.get(API_TOKEN_ENV) or None


SCHEDULE_STATUS_ENV = "JOBBOARD_SCHEDULE_STATUS"


def schedule_running() -> bool:
    """Whether the daily schedule runs on an instance where nobody has turned it on or off yet:
    `running` (the default) or `stopped`, for a copy of a deployment that must not scrape by the
    clock until someone turns the schedule on in the UI (a staging copy; the tests' daemons)."""
    value = (os.environ.get(SCHEDULE_STATUS_ENV) or "running").strip().lower()
    if value not in ("running", "stopped"):
        raise ValueError(f"{SCHEDULE_STATUS_ENV} must be 'running' or 'stopped', not {value!r}")
    return value == "running"
