"""The Dagster instance: the embedded SQLite home, or whatever DAGSTER_HOME points at."""

from __future__ import annotations

import os
from pathlib import Path

from jobboard_assets import config

# The embedded instance: SQLite storage inside DAGSTER_HOME (Dagster's default), plus the same
# run queue, run monitoring (maximum run time included), run retries and pool limit (one scrape
# step at a time) as production so the UI, the daemon and the API behave alike.
EMBEDDED_DAGSTER_YAML = """\
# Written by `jobboard setup`: the embedded (SQLite) Dagster instance.
# Production uses the PostgreSQL instance in the repository's dagster.yaml.
# One event-log database in WAL mode with pooled connections instead of one database per run
# and a new connection per event (jobboard_assets/instance_storage.py): 5 ms per event, not
# 78-83 (benchmarks/bench_instance.py on a shared 2-core machine).
event_log_storage:
  module: jobboard_assets.instance_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir:
      env: DAGSTER_HOME
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 5
  free_slots_after_run_end_seconds: 10
  max_runtime_seconds: 21600
# Crashed runs are re-executed from their failure; failed steps (board failures) are not.
run_retries:
  enabled: true
  max_retries: 2
  retry_on_asset_or_op_failure: false
concurrency:
  runs:
    max_concurrent_runs: 2
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def embedded_dagster_home() -> Path:
    """The embedded DAGSTER_HOME under the data directory, with its dagster.yaml."""
    home = config.data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():
        instance_yaml.write_text(EMBEDDED_DAGSTER_YAML)
    return home


DOTENV_HOME_LINE = "DAGSTER_HOME=${{DAGSTER_HOME:-{home}}}"


def write_dotenv(directory: Path, home: Path) -> bool:
    """Make the `dagster` CLI run in `directory` use the embedded instance by default.

    Dagster reads `.env` of the working directory before it opens its instance. Without
    DAGSTER_HOME it would use a throw-away instance configured by the production `dagster.yaml`
    found there (and stop on DAGSTER_PG_USER not set). The line keeps a DAGSTER_HOME that is set
    (production, tests) and falls back to the embedded home. Returns True when it was added.
    """
    dotenv = directory / ".env"
    lines = dotenv.read_text().splitlines() if dotenv.exists() else []
    if any(line.strip().startswith("DAGSTER_HOME=") for line in lines):
        return False
    dotenv.write_text("\n".join([*lines, DOTENV_HOME_LINE.format(home=home)]) + "\n")
    return True


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME if set, else the embedded home (exported so child processes agree)."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    home = embedded_dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)
    return home
