"""When each day's data must be there: the freshness policy the daily assets carry.

The schedule scrapes at 02:00 UTC and the history run follows; a day's scores for yesterday are
expected by 06:00 UTC. Dagster's freshness daemon (part of `dagster-daemon run`) marks an asset
late when the 06:00 deadline passed with no materialization since 02:00, so a stopped schedule,
a stopped daemon or a run that never ended turns the asset red instead of leaving it green.
"""

from datetime import timedelta

from dagster import FreshnessPolicy

DAILY_DEADLINE = FreshnessPolicy.cron(
    deadline_cron="0 6 * * *", lower_bound_delta=timedelta(hours=4), timezone="UTC"
)
"""Materialized between 02:00 (the schedule) and 06:00 UTC every day."""
