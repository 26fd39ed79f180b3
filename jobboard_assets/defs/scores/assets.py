"""Scores: the daily efficiency score per board, role family and industry."""

from jobboard_assets.lib.daily_asset import daily_asset
from jobboard_assets.lib.names import (
    CANDIDATE_SURVEYS,
    EFFICIENCY_SCORES,
    EMPLOYER_SURVEYS,
    POSTING_LIFESPANS,
    POSTING_REPOSTS,
)
from jobboard_assets.pipeline import scores
from jobboard_assets.warehouse.models import EfficiencyScore

efficiency_scores = daily_asset(
    key=EFFICIENCY_SCORES,
    deps=[POSTING_LIFESPANS, POSTING_REPOSTS, EMPLOYER_SURVEYS, CANDIDATE_SURVEYS],
    group="scores",
    description="Scores: the daily efficiency score per board, role family and industry.",
    phase=scores.update_scores,
    phase_name="scores",
    table=EfficiencyScore.__table__,
)
