"""The postings a history run maintains: read once per run, kept current as its phases write.

The phases (`lifespans`, `reposts`, `scores`, `analytics`) compute with the pure functions of
`jobboard_assets.metrics` on the frames this cache holds, and write back only the rows whose
values changed, so a daily run costs what that day changed, not the size of the history.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import Engine

from jobboard_assets.metrics import repost_chains
from jobboard_assets.metrics.observations import with_tracking_start
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.pipeline import frame_cache
from jobboard_assets.pipeline.timeline import as_of, board_tracking_periods, window_start
from jobboard_assets.warehouse.queries import postings as posting_queries

LEDGER_COLUMNS = (
    "id",
    "job_board_id",
    "first_seen",
    "last_seen",
    "is_active",
    "disappeared_at",
    "lifespan_days",
    "repost_cluster_id",
    "repost_count",
)
"""What the history run keeps of each posting it maintains: its days and what lifespans and reposts write."""


class PostingHistory:
    """The postings a history run works on, read once per run and kept current as phases write.

    A run describes the days from `since` on, so its memory follows their metrics window, not
    the years behind it. It maintains the postings a run can change:

    - those seen in the window of `since` or later (`window_start`), which the metrics of its
      days describe and which every board-day the run applied touched (a posting an applied
      day lists, or whose disappearance it records, was seen since the previous observed day,
      which `days_to_refresh` puts among the days);
    - every posting of a job key one of those has (`repost_chains.linked_within`): a repost chain
      reaches back years, and a new member changes the count of all of them.

    Any other posting has not changed since a run last maintained it, and nothing it is linked
    to has: its lifespan and cluster columns stay as written. `since=None` maintains every
    posting (`pipeline.rebuild`: a full recompute, and what repairs the columns after a change of
    the repost settings).

    - `ledger`: the maintained postings, narrow (`LEDGER_COLUMNS`, the spans of reappeared
      postings and each board's `tracking_start`): lifespans and reposts compare and write it, and the
      repost chains run over it;
    - `window`: every column of the postings of the window, what the metrics read.

    The repost links of a day are computed once per run (`links`). Their job keys (text
    normalised per employer, place and title) are computed once, as integer codes, from a
    streamed scan of the postings: no frame holds the text of every posting.
    """

    def __init__(
        self,
        engine: Engine,
        settings: MetricsSettings = DEFAULT_SETTINGS,
        cache: frame_cache.FrameCache | None = None,
        since: date | None = None,
    ) -> None:
        """`cache`: where the parquet copy of the postings lives (`frame_cache`); None reads
        every posting from the warehouse. `since`: the run's first day (None: every posting)."""
        self.engine = engine
        self.settings = settings
        self.cache = cache
        self.since = since
        self._source: pl.LazyFrame | None = None
        self._horizon: tuple[date | None] | None = None
        self._keys: pl.DataFrame | None = None
        self._ledger: pl.DataFrame | None = None
        self._window: pl.DataFrame | None = None
        self._links: dict[date | None, pl.DataFrame] = {}
        self.read: dict[str, int | str] = {}
        """How the postings were read (`frame_cache.CachedRead`), for the run's metadata."""

    @property
    def source(self) -> pl.LazyFrame:
        """Every posting with every column, unordered and not yet read: the copy's scan."""
        if self._source is None:
            if self.cache is None:
                postings = posting_queries.postings_frame(self.engine)
                self.read = {"postings_read_from_warehouse": postings.height}
                # Read in id order: the frames cut from it need not sort again.
                self._source = postings.lazy().with_columns(pl.col("id").set_sorted())
            else:
                cached = frame_cache.cached_postings(self.engine, self.cache)
                self.read = {
                    "postings_read_from_warehouse": cached.rows_read,
                    "postings_copy": cached.full_read or "used",
                }
                self._source = cached.frame
        return self._source

    @property
    def horizon(self) -> date | None:
        """The first day of the window the run's metrics read (None: the whole history): that of
        `since`, or of the newest sighting when it is older (a run whose days saw nothing still
        reports the history as of its newest day, `lifespan_report`)."""
        if self._horizon is None:
            newest = self.source.select(pl.col("last_seen").max()).collect().item()
            if self.since is None:
                self._horizon = (None,)
            else:
                first = self.since if newest is None else min(self.since, newest)
                # The day before: the postings whose disappearance the first day records.
                start = min(window_start(first, self.settings), first - timedelta(days=1))
                self._horizon = (start,)
        return self._horizon[0]

    def _in_horizon(self, postings: pl.LazyFrame) -> pl.LazyFrame:
        """The postings seen in the run's window."""
        return (
            postings
            if self.horizon is None
            else postings.filter(pl.col("last_seen") >= self.horizon)
        )

    @property
    def job_keys(self) -> pl.DataFrame:
        """`repost_chains.repost_keys` (codes only) of the maintained postings whose job key has other
        postings: the only ones a chain can link."""
        if self._keys is None:
            keys = repost_chains.repost_keys(
                self.source.select(repost_chains.REPOST_KEY_SOURCE), self.settings, key_texts=False
            )
            within = repost_chains.linked_within(self.settings)
            if self.horizon is not None:
                keys = keys.join(
                    self._in_horizon(keys).select(within).unique(), on=within, how="semi"
                )
            self._keys = (
                keys.filter(pl.len().over(within) > 1)
                .drop("first_seen", "last_seen")
                .collect(engine="streaming")
            )
        return self._keys

    @property
    def ledger(self) -> pl.DataFrame:
        """The maintained postings' `LEDGER_COLUMNS` by id, with the spans of reappeared postings
        (`as_of` cuts them at a day; null otherwise) and their board's `tracking_start` (see
        `metrics.observations`)."""
        if self._ledger is None:
            periods = board_tracking_periods(self.engine, self.settings)
            postings = self.source
            if self.horizon is not None:
                linked = self.job_keys["id"].implode()
                postings = postings.filter(
                    (pl.col("last_seen") >= self.horizon) | pl.col("id").is_in(linked)
                )
            ledger = postings.select(LEDGER_COLUMNS).sort("id").collect()
            spans = (
                ledger.select("id")
                .join(
                    posting_queries.reappeared_spans_frame(self.engine),
                    on="id",
                    how="left",
                    maintain_order="left",
                )
                .drop("id")
            )
            self._ledger = with_tracking_start(ledger.with_columns(spans.get_columns()), periods)
        return self._ledger

    def newest_day(self) -> date | None:
        """The newest sighting of any posting: the day the history stands at."""
        newest = self.ledger["last_seen"].max()
        return newest if isinstance(newest, date) else None

    @property
    def window(self) -> pl.DataFrame:
        """Every column of the postings of the run's window (`horizon`) by id, with the ledger's
        spans and tracking start: what the metrics of its days read (`in_window` of `as_of`)."""
        if self._window is None:
            extra = [c for c in self.ledger.columns if c not in LEDGER_COLUMNS]
            wide = self._in_horizon(self.source).sort("id").collect()
            attached = wide.select("id").join(
                self.ledger.select("id", *extra), on="id", how="left", maintain_order="left"
            )
            self._window = wide.with_columns(attached.drop("id").get_columns())
        return self._window

    def links(self, day: date | None = None) -> pl.DataFrame:
        """`repost_links` of the maintained postings as of `day` (None: as of the newest
        sighting, or any later day)."""
        newest = self.newest_day()
        if day is not None and newest is not None and day >= newest:
            day = None
        if day not in self._links:
            history = self.ledger if day is None else as_of(self.ledger, day)
            self._links[day] = repost_chains.repost_links(
                history, self.settings, keys=self.job_keys
            )
        return self._links[day]

    def write(self, changes: pl.DataFrame) -> int:
        """Write changed columns of postings (`id` plus the columns) and keep the frames current.

        Lifespans and cluster columns do not change what links postings (their days and
        keys), so the links computed so far stay."""
        written = posting_queries.write_posting_columns(self.engine, changes)
        if changes.height:
            if self._ledger is not None:
                self._ledger = self._ledger.update(changes, on="id", include_nulls=True)
            if self._window is not None:
                self._window = self._window.update(changes, on="id", include_nulls=True)
        return written
