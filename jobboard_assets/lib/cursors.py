"""Sensor cursors a person can read in the UI: the update time of the last run read, in ISO 8601.

The sensors that follow runs by their update time keep where they stopped as a cursor. An ISO
timestamp says when that was; a bare epoch float (what they stored before) is still read.
"""

from __future__ import annotations

from datetime import UTC, datetime


def read_update_cursor(cursor: str | None) -> datetime | None:
    """The update time a cursor holds; None for a sensor's first tick."""
    if not cursor:
        return None
    try:
        return datetime.fromtimestamp(float(cursor), tz=UTC)
    except ValueError:
        return datetime.fromisoformat(cursor)


def update_cursor(updated: datetime) -> str:
    """The cursor for a run last updated at `updated` (UTC, microseconds kept)."""
    return datetime.fromtimestamp(updated.timestamp(), tz=UTC).isoformat()
