"""The Dagster definitions, one folder per question, loaded by `load_from_defs_folder`.

scrape/ (phases 1-2), history/ (phases 3-4, the checks, the daily history job), scores/
(phase 5, analytics), surveys/, operations/ (schedule, sensors); partitions.py and resources.py
(the resources and the default executor) are shared. Every module here is imported by the loader
and every definition found at its top level is collected: helpers live in `jobboard_assets.runs`.
"""

import warnings

from dagster import BetaWarning

# Deliberate beta APIs (the multi-dimension partition mapping, backfill policies; see
# docs/pipeline.md): said once here instead of warned on every load of the code location.
warnings.filterwarnings("ignore", category=BetaWarning)
