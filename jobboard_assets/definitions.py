"""The code location: every definition under `defs/`, collected by Dagster's defs-folder loader.

`load_from_defs_folder` reads `[tool.dg]` in pyproject.toml (so the package runs from its
checkout, as `make install` sets it up) and imports every module under `jobboard_assets/defs/`.
The job functions below are what `reconstructable` needs for in-process execution.
"""

from __future__ import annotations

from pathlib import Path

from dagster import JobDefinition, load_from_defs_folder

from jobboard_assets.defs.history.jobs import HISTORY_JOB
from jobboard_assets.defs.scrape.jobs import SCRAPE_JOB
from jobboard_assets.defs.scrape.shards import SHARDED_SCRAPE_JOB

defs = load_from_defs_folder(path_within_project=Path(__file__).parent)


def scrape_job() -> JobDefinition:
    """The scrape job, reconstructable for in-process execution by `jobboard run`."""
    return defs.resolve_job_def(SCRAPE_JOB)


def history_job() -> JobDefinition:
    """The history job, reconstructable for in-process execution by `jobboard run`."""
    return defs.resolve_job_def(HISTORY_JOB)


def sharded_scrape_job() -> JobDefinition:
    """The scrape split per ATS host on Celery workers, reconstructable (workers rebuild it)."""
    return defs.resolve_job_def(SHARDED_SCRAPE_JOB)
