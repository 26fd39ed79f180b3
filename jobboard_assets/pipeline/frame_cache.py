"""A parquet copy of the postings frame, brought up to date from the rows changed since it was
written, so a daily run does not read years of unchanged postings from the warehouse.

Reading every posting through the database driver costs per row (16 s for 1.04M postings on
SQLite, 3 years of 100 boards); the parquet copy reads in 0.35 s. Each run reads the rows whose
`updated_at` is at most `FrameCache.recheck` older than the copy's newest one (every write of
ours stamps it), streams the copy with them replaced into a new one, and falls back to a full
read when the copy cannot be right: the warehouse's newest stamp is older than the copy's (a
restore), its posting count differs from the merged copy's (postings deleted, as a rebuild
does), or its columns are not the frame's (a copy written before a column was added). The
warehouse stays the only truth: the copy can be deleted at any time.

Stamps are the writers' wall clock: rows stamped in the future (a clock set wrong, then fixed)
make every run read all postings until the clock passes them. That is correct, only slow, and
`CachedRead` says so in the history run's metadata.

Several history runs may bring the copy up to date at once (two Dagster instances, or a manual
run beside the schedule's on another home: the `history_writes` pool serializes steps within one
instance only). Each merge runs under a file lock beside the copy, writes a file private to its
process, and swaps it in with an atomic rename: no writer overwrites another's file and no
reader sees a half-written copy. The reader scans its private file, not the shared name, so its
frame stays the copy it merged even when another run swaps a newer one in mid-run.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from filelock import FileLock
from sqlalchemy import URL, Engine

from jobboard_assets.warehouse.queries import postings as posting_queries

_STAMP = "_updated_at"
_PRIVATE = ".private"
"""Suffix of the per-process files: a merge being written, then the copy its run reads."""
STALE_AFTER = timedelta(days=1)
"""A private file this old was left by a killed process (no run reads for a day: the instance's
maximum run time is shorter) and is deleted by the next merge."""


@dataclass(frozen=True)
class FrameCache:
    """Where the copies live, and how far back a run reads rows again: a transaction stamps its
    rows when it writes them and may commit later (a board-day's takes seconds), so the margin
    must be longer than any transaction writing postings."""

    directory: Path
    recheck: timedelta = timedelta(minutes=5)

    def path(self, warehouse: URL) -> Path:
        """One copy per warehouse (its URL, password hidden, hashed)."""
        url = warehouse.render_as_string(hide_password=True)
        return self.directory / f"postings-{hashlib.sha256(url.encode()).hexdigest()[:16]}.parquet"


@dataclass(frozen=True)
class CachedRead:
    """The postings, and how they were read: what an operator checks when a run reads slowly."""

    frame: pl.LazyFrame
    """A scan of the copy just written (unordered): each reader collects the columns and rows it
    needs, so no run holds every column of every posting at once. It reads the run's private
    file, deleted when this frame is: keep it (not only frames derived from it) while reading."""
    rows_read: int
    """Rows read from the warehouse: the changed ones, or every posting on a full read."""
    full_read: str | None
    """Why the copy could not serve (None when it did)."""


def cached_postings(engine: Engine, cache: FrameCache) -> CachedRead:
    """`posting_queries.postings_frame(engine)` (unordered), from the copy and the rows changed
    since, written back.

    The merge streams from the old copy into the new one: a run's memory holds the changed rows,
    not the copy (1.04M postings, 254 MB in memory, at 3 years of 100 boards). A full read
    holds every posting once, as it always did. Merges wait for each other (the lock), so each
    starts from the copy the previous one swapped in.
    """
    path = cache.path(engine.url)
    path.parent.mkdir(parents=True, exist_ok=True)
    private = path.with_name(f"{path.stem}.{os.getpid()}-{uuid.uuid4().hex}{_PRIVATE}")
    with FileLock(path.with_suffix(".lock")):
        _remove_stale(path)
        try:
            rows_read, full_read = _write_current(engine, cache, path, private)
        except BaseException:
            private.unlink(missing_ok=True)  # a failed merge leaves nothing behind
            raise
        # A second name for the same file, renamed over the copy: the private name stays ours.
        swap = private.with_suffix(".swap")
        os.link(private, swap)
        swap.replace(path)
    scan = pl.scan_parquet(private).drop(_STAMP)
    weakref.finalize(scan, private.unlink, missing_ok=True)
    return CachedRead(scan, rows_read, full_read)


def _write_current(
    engine: Engine, cache: FrameCache, path: Path, private: Path
) -> tuple[int, str | None]:
    """Write the current postings to `private`, merged from the copy at `path` when it can
    serve: the rows read from the warehouse, and why the copy could not serve (None if it did)."""
    state = posting_queries.postings_state(engine)
    rows_read, full_read = _merge_changes(engine, path, private, state.newest_update, cache.recheck)
    if full_read is None and _rows(private) != state.count:
        full_read = (
            "the copy's posting count differs from the warehouse's (postings deleted, or "
            "written with stamps older than the copy's)"
        )
    if full_read is not None:
        frame = posting_queries.postings_frame(engine, stamped=True)
        rows_read = frame.height
        frame.write_parquet(private)
        del frame
    return rows_read, full_read


def _remove_stale(path: Path) -> None:
    """Delete what killed processes left beside the copy: a swap link (only a lock holder makes
    one) and private files older than `STALE_AFTER`."""
    oldest = time.time() - STALE_AFTER.total_seconds()
    for leftover in path.parent.glob(f"{path.stem}.*"):
        try:
            stale = leftover.suffix == ".swap" or (
                leftover.suffix == _PRIVATE and leftover.stat().st_mtime < oldest
            )
        except FileNotFoundError:  # its run just let go of it
            continue
        if stale:
            leftover.unlink(missing_ok=True)


def _rows(path: Path) -> int:
    rows: int = pl.scan_parquet(path).select(pl.len()).collect().item()
    return rows


def _merge_changes(
    engine: Engine, path: Path, private: Path, newest: datetime | None, recheck: timedelta
) -> tuple[int, str | None]:
    """Write the copy with the rows changed since its newest stamp replaced to `private`: the
    rows read, or (0 and) why the copy cannot serve."""
    if not path.exists() or newest is None:
        return 0, "no copy yet"
    copy = pl.scan_parquet(path)
    columns = [*posting_queries.POSTING_FRAME_COLUMNS, _STAMP]
    if copy.collect_schema().names() != columns:
        return 0, "the copy's columns are not the frame's (written by another version)"
    copied: datetime | None = copy.select(pl.col(_STAMP).max()).collect().item()
    if copied is None or newest < copied:
        return 0, "the warehouse is older than the copy (restored?)"
    changed = posting_queries.postings_frame(engine, stamped=True, updated_since=copied - recheck)
    # A filter, not an anti join: the join's hash table made the merge hold 140 MB more.
    replaced = changed["id"].implode()
    pl.concat(
        [
            copy.filter(~pl.col("id").is_in(replaced)),
            changed.lazy().select(columns),
        ]
    ).sink_parquet(private)
    return changed.height, None
