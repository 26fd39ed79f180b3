"""The code location: one `Definitions` that assembles the modules under `defs/`."""

from __future__ import annotations

from dagster import Definitions

from jobboard_assets.defs.resources import warehouse_from_env

defs = Definitions(
    resources={"warehouse": warehouse_from_env()},
)
