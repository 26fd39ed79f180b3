"""Where this deployment runs the scrape: in the run's process, or as one shard per ATS host on
Celery workers when JOBBOARD_CELERY_CONFIG names the workers' config (`config.celery_config_file`).

The schedule and Run Now launch the job this names, with its run config; `jobboard run` reads the
same setting. One setting for every way a scrape starts, so a deployment cannot scale out its
manual runs and not its daily one.
"""

from dataclasses import dataclass, field
from typing import Any

from jobboard_assets import config
from jobboard_assets.celery_workers import read_config
from jobboard_assets.lib.names import SCRAPE_JOB, SHARDED_SCRAPE_JOB


@dataclass(frozen=True)
class ScrapeTarget:
    job_name: str
    run_config: dict[str, Any] = field(default_factory=dict)


def scrape_target() -> ScrapeTarget:
    """The deployment's scrape job and the run config it needs (the celery executor's)."""
    path = config.celery_config_file()
    if path is None:
        return ScrapeTarget(SCRAPE_JOB)
    return ScrapeTarget(SHARDED_SCRAPE_JOB, {"execution": {"config": read_config(path)}})
