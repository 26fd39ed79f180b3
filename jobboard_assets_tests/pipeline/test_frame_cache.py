"""The parquet copy of the postings frame always equals a full read of the warehouse: after new
postings, changed ones, deletions and a restore of an older state, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, delete, func, select, update

from jobboard_assets.pipeline.frame_cache import FrameCache, cached_postings
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, JobPosting
from jobboard_assets.warehouse.queries.postings import postings_frame

D0 = date(2025, 3, 1)
STAMPED = datetime(2025, 3, 1, tzinfo=UTC)


def _posting(posting_id: int) -> JobPosting:
    return JobPosting(
        id=posting_id,
        job_board_id=1,
        external_id=f"ext-{posting_id}",
        title=f"Role {posting_id}",
        company="Acme",
        location="Berlin",
        first_seen=D0,
        last_seen=D0 + timedelta(days=posting_id % 5),
        is_active=True,
        repost_count=0,
        updated_at=STAMPED + timedelta(hours=posting_id),  # an hour apart: beyond the margin
    )


def test_the_copy_follows_every_change_of_the_warehouse(engine: Engine, tmp_path: Path) -> None:
    cache = FrameCache(tmp_path)
    path = cache.path(engine.url)
    with session_scope(engine) as session:
        session.add(JobBoard(id=1, slug="b", name="B", kind="greenhouse", url="x"))
        session.flush()
        session.add_all(_posting(n) for n in range(1, 51))

    def assert_current(rows_read: int, full_read: str | None = None) -> pl.DataFrame:
        """The copy equals a full read, and was served as expected: from the copy with
        `rows_read` re-read, or from a full read whose reason starts with `full_read`."""
        cached = cached_postings(engine, cache)
        frame = cached.frame.sort("id").collect()
        assert frame.equals(postings_frame(engine))
        assert cached.rows_read == rows_read
        assert (cached.full_read or "").startswith(full_read or "") and bool(
            cached.full_read
        ) == bool(full_read)
        return frame

    assert_current(50, full_read="no copy yet")
    assert path.exists()
    assert_current(1)  # nothing written since: only the newest row, within the margin
    with session_scope(engine) as session:  # new postings and a changed one
        session.add_all(_posting(n) for n in range(51, 61))
        session.execute(update(JobPosting).where(JobPosting.id == 3).values(title="Renamed"))
    assert "Renamed" in assert_current(12)["title"].to_list()
    newest = _newest_stamp(engine)
    with session_scope(engine) as session:  # stamped before the copy's newest, committed after
        session.execute(
            update(JobPosting)
            .where(JobPosting.id == 4)
            .values(title="Late commit", updated_at=newest - timedelta(minutes=1))
        )
    assert "Late commit" in assert_current(2)["title"].to_list()  # the rename's and its own
    with session_scope(engine) as session:  # a deletion (a rebuild drops unlisted postings)
        session.execute(delete(JobPosting).where(JobPosting.id == 7))
    assert 7 not in assert_current(59, full_read="the copy's posting count differs")["id"].to_list()
    with session_scope(engine) as session:  # a restore: older stamps, other contents
        session.execute(update(JobPosting).where(JobPosting.id == 9).values(title="From backup"))
        session.execute(update(JobPosting).values(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    restored = assert_current(59, full_read="the warehouse is older than the copy")
    assert "From backup" in restored["title"].to_list()


def _newest_stamp(engine: Engine) -> datetime:
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(JobPosting.updated_at))).scalar_one()
    assert isinstance(newest, datetime)
    return newest
