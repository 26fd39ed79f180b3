"""The Dagster definitions, one folder per domain, loaded by `load_from_defs_folder`.

Each domain owns its assets, jobs, checks, schedules and sensors: scrape/ (scrape and snapshot,
the Celery shards, the daily schedule, the board registry sensor), history/ (lifespans, reposts,
the data checks, the history run and the sensor that starts it after a scrape), scores/,
analytics/, surveys/, run_records/ (the pipeline_runs mirror and Run Now). deployment.py binds
the resources and the executor. The loader imports every module here and collects every
definition at its top level, so shared code lives in `jobboard_assets.lib`.
"""

import warnings

from dagster import BetaWarning

# Deliberate beta APIs (the multi-dimension partition mapping, backfill policies; see
# docs/pipeline.md): said once here instead of warned on every load of the code location.
warnings.filterwarnings("ignore", category=BetaWarning)
