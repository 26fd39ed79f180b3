"""The board registry: the registry file synced into job_boards and the board partitions."""

from dagster import (
    AddDynamicPartitionsRequest,
    DefaultSensorStatus,
    DeleteDynamicPartitionsRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from jobboard_assets.lib.board_partitions import partition_changes
from jobboard_assets.lib.partitions import board_partitions
from jobboard_assets.lib.resources import BoardSourcesResource, WarehouseResource
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries.boards import sync_boards


@sensor(
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Sync the board registry file into job_boards and the board partitions (enabled "
    "boards only); a removed or disabled board keeps its rows and stops getting runs.",
)
def board_registry_sensor(
    context: SensorEvaluationContext, warehouse: WarehouseResource, sources: BoardSourcesResource
) -> SensorResult:
    """Sync the registry file into job_boards and the board partitions (enabled boards only).

    A board removed from the file or disabled keeps its rows and its materializations; it only
    stops getting new runs.
    """
    boards = sources.registry()
    with session_scope(warehouse.engine) as session:
        result = sync_boards(session, boards)
    current = board_partitions.get_partition_keys(dynamic_partitions_store=context.instance)
    to_add, to_delete = partition_changes(
        current, [board.slug for board in boards if board.enabled]
    )
    context.log.info(f"registry: {result}; partitions +{len(to_add)} -{len(to_delete)}")
    requests: list[AddDynamicPartitionsRequest | DeleteDynamicPartitionsRequest] = []
    if to_add:
        requests.append(board_partitions.build_add_request(to_add))
    if to_delete:
        requests.append(board_partitions.build_delete_request(to_delete))
    return SensorResult(dynamic_partitions_requests=requests)
