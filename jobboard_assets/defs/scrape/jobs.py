"""The scrape job: scrape and snapshot for a range of board-days (the daily history job follows it)."""

from dagster import AssetSelection, define_asset_job

from jobboard_assets.lib.names import BOARD_POSTINGS, RAW_DATA_SNAPSHOTS, SCRAPE_JOB

scrape_boards_job = define_asset_job(
    SCRAPE_JOB,
    selection=AssetSelection.assets(BOARD_POSTINGS, RAW_DATA_SNAPSHOTS),
    description="Scrape and snapshot for a range of board-days: scrape, merge, snapshot.",
)
