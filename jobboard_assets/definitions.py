"""The code location: every definition under `defs/`, collected by Dagster's defs-folder loader.

`defs` is a lazy `@definitions` entry point: importing this module loads nothing, and Dagster's
tools (`dagster dev`, `dg check defs`, the run workers) call it when they need the definitions.
`load_from_defs_folder` reads `[tool.dg]` in pyproject.toml and imports every module under
`jobboard_assets/defs/`. The job functions below are what `reconstructable` needs to execute a
job in a process of ours (`jobboard run`, the Celery workers); nothing under `defs/` or `lib/`
imports this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from dagster import Definitions, JobDefinition, definitions, load_from_defs_folder

from jobboard_assets.lib.names import HISTORY_JOB, SCRAPE_JOB, SHARDED_SCRAPE_JOB


@cache
def _loaded() -> Definitions:
    """The definitions, loaded once per process (the job functions below share them)."""
    return load_from_defs_folder(path_within_project=Path(__file__).parent)


@definitions
def defs() -> Definitions:
    """Every definition of the code location."""
    return _loaded()


def scrape_job() -> JobDefinition:
    """The scrape job, reconstructable for in-process execution by `jobboard run`."""
    return _loaded().resolve_job_def(SCRAPE_JOB)


def history_job() -> JobDefinition:
    """The history job, reconstructable for in-process execution by `jobboard run`."""
    return _loaded().resolve_job_def(HISTORY_JOB)


def sharded_scrape_job() -> JobDefinition:
    """The scrape split per ATS host on Celery workers, reconstructable (workers rebuild it)."""
    return _loaded().resolve_job_def(SHARDED_SCRAPE_JOB)
