"""The daily history job: phases 3-5, the analytics and the data checks for a range of days."""

from dagster import AssetSelection, define_asset_job

from jobboard_assets.defs.history.assets import POSTING_LIFESPANS, POSTING_REPOSTS
from jobboard_assets.defs.scores.analytics import LIFESPAN_METRICS, REPOST_FREQUENCY
from jobboard_assets.defs.scores.assets import EFFICIENCY_SCORES

HISTORY_JOB = "daily_history"

daily_history_job = define_asset_job(
    HISTORY_JOB,
    # The assets' checks come with them: the warehouse checks are attached to posting_lifespans.
    selection=AssetSelection.assets(
        POSTING_LIFESPANS, POSTING_REPOSTS, EFFICIENCY_SCORES, LIFESPAN_METRICS, REPOST_FREQUENCY
    ),
    description="Phases 3-5 for a range of days: lifespans, reposts, scores, and the data checks.",
)
