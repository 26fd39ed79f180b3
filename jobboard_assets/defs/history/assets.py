"""Lifespans and reposts: lifespans and repost clusters, daily, over the whole history.

Each day's partition depends on that day's partition of every board, and its run is launched
also when some boards failed (`history_after_scrape_sensor`).
"""

from dagster import AssetDep

from jobboard_assets.lib.daily_asset import daily_asset
from jobboard_assets.lib.names import BOARD_POSTINGS, POSTING_LIFESPANS, POSTING_REPOSTS
from jobboard_assets.lib.partitions import all_boards_of_the_day
from jobboard_assets.pipeline import lifespans, reposts
from jobboard_assets.warehouse.models import JobPosting

_AFTER_ALL_BOARDS = AssetDep(BOARD_POSTINGS, partition_mapping=all_boards_of_the_day)

posting_lifespans = daily_asset(
    key=POSTING_LIFESPANS,
    deps=[_AFTER_ALL_BOARDS],
    group="history",
    description="Lifespans: lifespan_days = last_seen - first_seen where the days changed it.",
    phase=lifespans.update_lifespans,
    phase_name="lifespans",
    table=JobPosting.__table__,
    columns=("id", "first_seen", "last_seen", "lifespan_days"),
)

posting_reposts = daily_asset(
    key=POSTING_REPOSTS,
    deps=[_AFTER_ALL_BOARDS],
    group="history",
    description="Reposts: repost clusters within each board (repost_cluster_id, repost_count).",
    phase=reposts.update_reposts,
    phase_name="reposts",
    table=JobPosting.__table__,
    columns=("id", "repost_cluster_id", "repost_count"),
)
