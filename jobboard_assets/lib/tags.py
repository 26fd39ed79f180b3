"""Run tags that tie Dagster runs to one pipeline execution (one `pipeline_runs` row)."""

from __future__ import annotations

EXECUTION_TAG = "jobboard/execution"
"""Runs launched together (one schedule tick, one `jobboard run`, one API call) share this id."""

TRIGGER_TAG = "jobboard/trigger"
"""schedule / cli / api / sensor: how the execution was launched."""

CHAIN_METRICS_TAG = "jobboard/chain_metrics"
"""On a scrape run: "true" asks the metrics sensor to run the day's downstream phases after it,
whatever the scrape's outcome (failed boards must not stop the others)."""

PROCESS_TAG = "jobboard/process"
"""host:pid of the `jobboard run` process that executes a run itself (see launch/orphans.py)."""

BACKFILL_TAG = "dagster/backfill"
SCHEDULE_TAG = "dagster/schedule_name"
"""What the schedule's page lists its runs by. The daemon sets it on a tick's runs; the schedule
sets it too, so a run launched from the UI's "Test schedule" is listed there as well."""
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"
PARTITION_TAG = "dagster/partition"
PARENT_RUN_TAG = "dagster/parent_run_id"
"""On a re-execution (from the UI) or a retry (Dagster's run retries): the run it redoes."""
ROOT_RUN_TAG = "dagster/root_run_id"
"""On a re-execution or retry: the first run of its chain. The run mirror puts every run of a
chain in its root run's execution, whatever other tags the UI copied."""
