"""The same job across boards, linked daily downstream of the postings (docs/metrics.md)."""

from jobboard_assets.lib.daily_asset import daily_asset
from jobboard_assets.lib.names import CROSS_BOARD_JOBS, POSTING_LIFESPANS, POSTING_REPOSTS
from jobboard_assets.pipeline.cross_board_jobs import update_cross_board_jobs
from jobboard_assets.warehouse.models import CrossBoardJob

cross_board_jobs = daily_asset(
    key=CROSS_BOARD_JOBS,
    # After lifespans too: the blocking data checks on posting_lifespans hold it back as well.
    deps=[POSTING_REPOSTS, POSTING_LIFESPANS],
    group="history",
    description="The same job on several boards (employer, normalised title, place, dates): "
    "cross_board_jobs links each such posting to its job's group.",
    phase=update_cross_board_jobs,
    phase_name="cross_board",
    table=CrossBoardJob.__table__,
)
