"""The parquet copy of the postings frame always equals a full read of the warehouse: after new
postings, changed ones, deletions and a restore of an older state, on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, delete, func, select, update

from jobboard_assets.pipeline.frame_cache import FrameCache, cached_postings_frame
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard, JobPosting
from jobboard_assets.warehouse.queries.postings import postings_frame

D0 = date(2025, 3, 1)


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
    )


def test_the_copy_follows_every_change_of_the_warehouse(engine: Engine, tmp_path: Path) -> None:
    cache = FrameCache(tmp_path)
    path = cache.path(engine.url)
    with session_scope(engine) as session:
        session.add(JobBoard(id=1, slug="b", name="B", kind="greenhouse", url="x"))
        session.flush()
        session.add_all(_posting(n) for n in range(1, 51))

    def assert_current() -> pl.DataFrame:
        cached = cached_postings_frame(engine, cache)
        assert cached.equals(postings_frame(engine))
        return cached

    assert_current()  # written from a full read
    assert path.exists()
    with session_scope(engine) as session:  # new postings and a changed one
        session.add_all(_posting(n) for n in range(51, 61))
        session.execute(update(JobPosting).where(JobPosting.id == 3).values(title="Renamed"))
    assert "Renamed" in assert_current()["title"].to_list()
    newest = _newest_stamp(engine)
    with session_scope(engine) as session:  # stamped before the copy's newest, committed after
        session.execute(
            update(JobPosting)
            .where(JobPosting.id == 4)
            .values(title="Late commit", updated_at=newest - timedelta(minutes=1))
        )
    assert "Late commit" in assert_current()["title"].to_list()
    with session_scope(engine) as session:  # a deletion (a rebuild drops unlisted postings)
        session.execute(delete(JobPosting).where(JobPosting.id == 7))
    assert 7 not in assert_current()["id"].to_list()
    with session_scope(engine) as session:  # a restore: older stamps, other contents
        session.execute(update(JobPosting).where(JobPosting.id == 9).values(title="From backup"))
        session.execute(update(JobPosting).values(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
    assert "From backup" in assert_current()["title"].to_list()


def _newest_stamp(engine: Engine) -> datetime:
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(JobPosting.updated_at))).scalar_one()
    assert isinstance(newest, datetime)
    return newest
