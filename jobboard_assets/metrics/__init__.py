"""Board metrics as pure functions from polars frames to polars frames (no Dagster, SQL or I/O).

Input frames have the warehouse tables' columns (`job_postings`, `job_boards`, the surveys);
thresholds live in `settings.MetricsSettings`. See docs/metrics.md for formulas and reasoning.
"""

from jobboard_assets.metrics.accuracy import (
    LifespanAccuracy,
    RepostAccuracy,
    lifespan_accuracy,
    repost_accuracy,
)
from jobboard_assets.metrics.efficiency import (
    efficiency_scores,
    letter_grade,
    quality_adjustment,
    survey_scores,
)
from jobboard_assets.metrics.freshness import (
    fake_freshness_flags,
    fake_freshness_summary,
)
from jobboard_assets.metrics.lifespan_stats import (
    daily_trend,
    lifespan_days,
    lifespan_distribution,
    lifespan_ranking,
    lifespan_summary,
)
from jobboard_assets.metrics.observations import posting_observations
from jobboard_assets.metrics.repost_chains import (
    chronic_reposters,
    detect_reposts,
    repost_frequency,
    repost_keys,
    repost_links,
)
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.metrics.survival import (
    kaplan_meier,
    posting_survival_curve,
    posting_survival_summary,
    survival_quantiles,
)

__all__ = [
    "DEFAULT_SETTINGS",
    "LifespanAccuracy",
    "MetricsSettings",
    "RepostAccuracy",
    "chronic_reposters",
    "daily_trend",
    "detect_reposts",
    "efficiency_scores",
    "fake_freshness_flags",
    "fake_freshness_summary",
    "kaplan_meier",
    "letter_grade",
    "lifespan_accuracy",
    "lifespan_days",
    "lifespan_distribution",
    "lifespan_ranking",
    "lifespan_summary",
    "posting_observations",
    "posting_survival_curve",
    "posting_survival_summary",
    "quality_adjustment",
    "repost_accuracy",
    "repost_frequency",
    "repost_keys",
    "repost_links",
    "survey_scores",
    "survival_quantiles",
]
