"""Keeping the board partitions equal to the enabled boards of the registry."""

from __future__ import annotations

from collections.abc import Sequence


def partition_changes(
    current: Sequence[str], enabled: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(partitions to add, partitions to delete) so that the partitions are the enabled boards.

    New boards are added in registry order; deleting a partition keeps its materialization
    history in Dagster, and the warehouse keeps the board's rows.
    """
    current_set, enabled_set = set(current), set(enabled)
    return (
        [slug for slug in enabled if slug not in current_set],
        [slug for slug in current if slug not in enabled_set],
    )
