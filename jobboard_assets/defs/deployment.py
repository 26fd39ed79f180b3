"""What this deployment binds: the resources every definition takes, and the executor.

One process per run, steps in it: a process per step doubles run time for these small steps.
"""

from dagster import Definitions, in_process_executor

from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource

defs = Definitions(
    resources={"warehouse": WarehouseResource(), "sources": BoardSourcesResource()},
    executor=in_process_executor,
)
