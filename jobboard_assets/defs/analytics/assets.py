"""Lifespan and repost analytics per board and role family, as of each day.

They sit beside the phases they describe (lifespan metrics after lifespans, repost frequency
after reposts) in the daily history run, and store what the history looked like on each
partition day, which the views `board_lifespan_stats`, `role_family_lifespan_stats` and
`board_repost_frequency_stats` read.

Both come after `posting_lifespans`, whose blocking data checks (`history/checks.py`) must pass
before a day's analytics are written; repost frequency reads no lifespan, the dependency is
that gate.
"""

from jobboard_assets.lib.daily_asset import daily_asset
from jobboard_assets.lib.names import (
    LIFESPAN_METRICS,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    REPOST_FREQUENCY,
)
from jobboard_assets.pipeline import analytics
from jobboard_assets.warehouse.models import LifespanMetric, RepostFrequency

lifespan_metrics = daily_asset(
    key=LIFESPAN_METRICS,
    deps=[POSTING_LIFESPANS],
    group="analytics",
    description="Lifespan statistics (closed postings, Kaplan-Meier median, ages of open "
    "postings) and the lifespan buckets, per board and per role family, as of each day.",
    phase=analytics.update_lifespan_metrics,
    phase_name="analytics",
    table=LifespanMetric.__table__,
)

repost_frequency = daily_asset(
    key=REPOST_FREQUENCY,
    deps=[POSTING_REPOSTS, POSTING_LIFESPANS],
    group="analytics",
    description="Repost frequency (reposts, clusters, rate, median gap, chronic clusters, "
    "flagged) per board and per role family, as of each day.",
    phase=analytics.update_repost_frequency,
    phase_name="analytics",
    table=RepostFrequency.__table__,
)
