"""The Dagster layer: assets, partitions, checks, schedules, sensors and resources."""

import warnings

from dagster import BetaWarning

# Deliberate beta APIs (the multi-dimension partition mapping, backfill policies; see
# docs/pipeline.md): said once here instead of warned on every load of the code location.
warnings.filterwarnings("ignore", category=BetaWarning)
