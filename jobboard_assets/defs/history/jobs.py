"""The history run: lifespans, reposts and scores, the analytics and the data checks for a range of days."""

from dagster import AssetSelection, define_asset_job

from jobboard_assets.lib.names import (
    CROSS_BOARD_JOBS,
    EFFICIENCY_SCORES,
    HISTORY_JOB,
    LIFESPAN_METRICS,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
    REPOST_FREQUENCY,
)

daily_history_job = define_asset_job(
    HISTORY_JOB,
    # The assets' checks come with them: the warehouse checks are attached to posting_lifespans.
    selection=AssetSelection.assets(
        POSTING_LIFESPANS,
        POSTING_REPOSTS,
        EFFICIENCY_SCORES,
        LIFESPAN_METRICS,
        REPOST_FREQUENCY,
        CROSS_BOARD_JOBS,
    ),
    description="The history run for a range of days: lifespans, reposts, scores, the "
    "analytics, the same job across boards and the data checks.",
)
