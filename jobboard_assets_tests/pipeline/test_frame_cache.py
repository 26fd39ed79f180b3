"""The parquet copy of the postings frame always equals a full read of the warehouse: after new
postings, changed ones, deletions and a restore of an older state, on both backends."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, delete, func, select, update

from jobboard_assets.pipeline.frame_cache import FrameCache, cached_postings
from jobboard_assets.warehouse.db import make_engine, session_scope
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
        # Every third lists a second place; the others none or only their own (a list kept whole).
        locations=[["Berlin", "Munich"], None, ["Berlin"]][posting_id % 3],
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
    assert restored.filter(pl.col("id") == 3)["locations"].to_list() == [["Berlin", "Munich"]]
    # A copy written before the frame had a column (an upgrade) cannot serve its readers.
    pl.read_parquet(path).drop("locations").write_parquet(path)
    assert_current(59, full_read="the copy's columns are not the frame's")


def _newest_stamp(engine: Engine) -> datetime:
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(JobPosting.updated_at))).scalar_one()
    assert isinstance(newest, datetime)
    return newest


WRITERS = 6


def test_concurrent_runs_each_read_a_whole_copy(engine: Engine, tmp_path: Path) -> None:
    """Several processes bring the copy up to date at once, as history runs on several Dagster
    instances do: none fails, each reads every posting, and the copy left behind is whole."""
    cache = FrameCache(tmp_path / "cache")
    with session_scope(engine) as session:
        session.add(JobBoard(id=1, slug="b", name="B", kind="greenhouse", url="x"))
        session.flush()
        session.add_all(_posting(n) for n in range(1, 201))
    cached_postings(engine, cache)  # a copy to merge into, then a change every merge re-reads
    with session_scope(engine) as session:
        session.execute(update(JobPosting).where(JobPosting.id == 5).values(title="Changed"))
    expected = postings_frame(engine)
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    # Closed and joined, not terminated (what `with Pool` does): a SIGTERM to a worker still in
    # polars' or SQLAlchemy's teardown has hung the join on a loaded machine.
    pool = context.Pool(WRITERS)
    try:
        read = pool.starmap_async(_read_in_another_process, [(url, cache.directory)] * WRITERS).get(
            timeout=240
        )
    finally:
        pool.close()
        pool.join()
    assert all(frame.equals(expected) for frame in read)
    assert pl.read_parquet(cache.path(engine.url)).drop("_updated_at").sort("id").equals(expected)
    assert sorted(p.name for p in cache.directory.iterdir()) == sorted(
        [cache.path(engine.url).name, cache.path(engine.url).with_suffix(".lock").name]
    )  # every run's private file went with its frame


def _read_in_another_process(url: str, directory: Path) -> pl.DataFrame:
    engine = make_engine(url)
    try:
        cached = cached_postings(engine, FrameCache(directory))
        return cached.frame.sort("id").collect()
    finally:
        engine.dispose()
