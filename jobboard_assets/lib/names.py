"""The names the code location's definitions and the code around them share.

Asset keys, job, op and pool names, the board partitions' name and the metadata key of a failed
board-day. A leaf: it imports nothing of ours, so the run mirror, the launcher, the CLI and the
definitions read one spelling without importing each other.
"""

from __future__ import annotations

from dagster import AssetKey

# Scrape and snapshot: board x day.
BOARD_POSTINGS = AssetKey("board_postings")
RAW_DATA_SNAPSHOTS = AssetKey("raw_data_snapshots")
# Lifespans and reposts and the data checks: daily.
POSTING_LIFESPANS = AssetKey("posting_lifespans")
POSTING_REPOSTS = AssetKey("posting_reposts")
# The scores phase and the analytics: daily.
EFFICIENCY_SCORES = AssetKey("efficiency_scores")
LIFESPAN_METRICS = AssetKey("lifespan_metrics")
REPOST_FREQUENCY = AssetKey("repost_frequency")
# The same job on several boards: daily, after the reposts.
CROSS_BOARD_JOBS = AssetKey("cross_board_jobs")
# Imported with `jobboard surveys import`.
EMPLOYER_SURVEYS = AssetKey("employer_surveys")
CANDIDATE_SURVEYS = AssetKey("candidate_surveys")

SCRAPE_JOB = "scrape_boards"
"""Scrape and snapshot for a range of board-days, in one step."""
SCRAPE_STEP = "scrape_and_snapshot"
"""The scrape job's one step (the multi-asset's op)."""
SHARDED_SCRAPE_JOB = "scrape_boards_sharded"
"""The same scrape as one step per ATS host, on Celery workers."""
SCRAPE_JOBS = (SCRAPE_JOB, SHARDED_SCRAPE_JOB)
"""Either way a day is scraped: in the run's process or on Celery shards."""
SHARD_OP = "scrape_shard"
"""The sharded job's per-host op; its steps are `scrape_shard[<host>]`."""
HISTORY_JOB = "daily_history"
"""The history run: lifespans, reposts and scores, the analytics and the data checks for a range of days."""

DAILY_SCHEDULE = "daily_pipeline_schedule"
"""The schedule: every enabled board at 02:00 UTC."""

SCRAPE_POOL = "board_writes"
"""One scrape step at a time per instance (limit 1 in every instance yaml): see dagster.yaml."""
HISTORY_POOL = "history_writes"
"""One history step at a time per instance: lifespans, reposts and scores and the analytics replace whole days."""

BOARD_PARTITIONS = "boards"
"""The dynamic partitions' name: one partition per enabled board's slug."""

FAILURE_ERROR = "error"
"""Metadata key of the observation a failed board-day gets: its error (progress counts these)."""

CODE_LOCATION = "jobboard_assets"
"""The code location's name in workspace.yaml (what `make dev`, the webserver and the daemon load)."""
REPOSITORY = "__repository__"
"""The repository Dagster makes of the location's `Definitions`."""
