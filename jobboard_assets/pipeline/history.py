"""Phases 3-5 over the whole history: read one frame, compute with polars, write back what changed.

The metrics are pure functions (`jobboard_assets.metrics`); this module only moves frames between
them and the warehouse, and only writes the rows whose values changed, so a daily run costs what
that day changed, not the size of the history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine

from jobboard_assets.metrics import lifespans, reposts, scores
from jobboard_assets.metrics.observations import (
    OBSERVED_SINCE,
    tracking_periods,
    with_tracking_start,
)
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.pipeline import frame_cache
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import analytics as analytics_queries
from jobboard_assets.warehouse.queries import listings as listing_queries
from jobboard_assets.warehouse.queries import postings as posting_queries
from jobboard_assets.warehouse.queries import scores as score_queries
from jobboard_assets.warehouse.queries import snapshots as snapshot_queries

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
"""What the history run keeps of each posting it maintains: its days and what phases 3-4 write."""

_REPOST_KEY_SOURCE = (
    "id",
    "job_board_id",
    "first_seen",
    "last_seen",
    "company",
    "location",
    "normalized_title",
    "title",
)


class PostingHistory:
    """The postings a history run works on, read once per run and kept current as phases write.

    A run describes the days from `since` on, so its memory follows their metrics window, not
    the years behind it. It maintains the postings a run can change:

    - those seen in the window of `since` or later (`window_start`), which the metrics of its
      days describe and which every board-day the run applied touched (a posting an applied
      day lists, or whose disappearance it records, was seen since the previous observed day,
      which `days_to_refresh` puts among the days);
    - every posting of a job key one of those has (`reposts.linked_within`): a repost chain
      reaches back years, and a new member changes the count of all of them.

    Any other posting has not changed since a run last maintained it, and nothing it is linked
    to has: its lifespan and cluster columns stay as written. `since=None` maintains every
    posting (`pipeline.rebuild`: a full recompute, and what repairs the columns after a change of
    the repost settings).

    - `ledger`: the maintained postings, narrow (`LEDGER_COLUMNS`, the spans of reappeared
      postings and each board's `tracking_start`): phases 3-4 compare and write it, and the
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
        """`reposts.repost_keys` (codes only) of the maintained postings whose job key has other
        postings: the only ones a chain can link."""
        if self._keys is None:
            keys = reposts.repost_keys(
                self.source.select(_REPOST_KEY_SOURCE), self.settings, key_texts=False
            )
            within = reposts.linked_within(self.settings)
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
            periods = tracking_periods(
                snapshot_queries.observed_days_frame(self.engine),
                max_gap_days=self.settings.tracking_gap_days,
            )
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
            self._links[day] = reposts.repost_links(history, self.settings, keys=self.job_keys)
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


def window_start(day: date, settings: MetricsSettings = DEFAULT_SETTINGS) -> date:
    """The first day of the metrics window of `day` (`MetricsSettings.metrics_lookback_days`)."""
    return day - timedelta(days=settings.metrics_lookback_days - 1)


def in_window(
    history: pl.DataFrame, day: date, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """The postings of a history as of `day` (`as_of`) that `day`'s metrics describe: those seen
    in its window, with the window's first day as `observed_since` (delayed entry, see
    `metrics.observations.posting_observations`)."""
    since = window_start(day, settings)
    return history.filter(pl.col("last_seen") >= since).with_columns(
        pl.lit(since).alias(OBSERVED_SINCE)
    )


@dataclass(frozen=True)
class PhaseSummary:
    """What a phase did: counts for the UI and the job result, and a small preview table."""

    counts: dict[str, Any]
    preview: pl.DataFrame | None = None
    table: pl.DataFrame | None = field(default=None, repr=False)


def _changed(current: pl.DataFrame, computed: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Rows of `computed` whose columns differ from `current` (nulls compared as values)."""
    joined = current.select("id", *columns).join(computed, on="id", suffix="_new")
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_new")) for c in columns)
    return joined.filter(differs).select("id", *(pl.col(f"{c}_new").alias(c) for c in columns))


def update_lifespans(postings: PostingHistory) -> PhaseSummary:
    """Phase 3: lifespan_days = last_seen - first_seen for every maintained posting (see
    `PostingHistory`), written in bulk where it changed."""
    started = time.perf_counter()
    frame = postings.ledger
    # `lifespan_days` keeps the frame's rows in order: compared column by column, no joins
    # (two joins of every posting were 0.5 s of this phase at 1.04M postings).
    computed = frame.select("id", "is_active", "lifespan_days").with_columns(
        lifespans.lifespan_days(frame)["lifespan_days"].alias("computed")
    )
    changed = computed.filter(pl.col("lifespan_days").ne_missing(pl.col("computed"))).select(
        "id", lifespan_days="computed"
    )
    written = postings.write(changed)
    closed = computed.filter(~pl.col("is_active"))["computed"]
    return PhaseSummary(
        counts={
            "postings_maintained": frame.height,
            "updated": written,
            "closed_postings": closed.len(),
            "median_closed_lifespan_days": _median(closed),
            "negative_lifespans": int((computed["computed"] < 0).sum()),
            **postings.read,
            "seconds": round(time.perf_counter() - started, 3),
        },
        preview=changed.head(10),
    )


def update_reposts(postings: PostingHistory, days: list[date]) -> PhaseSummary:
    """Phase 4: repost clusters within each board, written as repost_cluster_id/repost_count.

    The maintained postings' clusters (`PostingHistory`) are compared and written where they
    changed; the days' snapshots get their repost_count refreshed from the new clusters.
    """
    started = time.perf_counter()
    frame = postings.ledger
    computed = postings.links().select("id", "repost_cluster_id", "repost_count")
    changed = _changed(frame, computed, ["repost_cluster_id", "repost_count"])
    written = postings.write(changed)
    with session_scope(postings.engine) as session:
        snapshot_queries.set_repost_counts(session, snapshot_repost_counts(postings, days))
    clustered = computed.filter(pl.col("repost_cluster_id").is_not_null())
    # The biggest clusters' members, their text read from the scan for these rows alone.
    biggest = clustered.sort(
        "repost_count", "repost_cluster_id", "id", descending=[True, False, False]
    ).head(10)
    preview = (
        postings.source.join(biggest.lazy(), on="id", suffix="_new")
        .sort("repost_count_new", "repost_cluster_id_new", "id", descending=[True, False, False])
        .select(
            "job_board_id",
            "company",
            "title",
            "location",
            "first_seen",
            "last_seen",
            pl.col("repost_cluster_id_new").alias("cluster"),
            pl.col("repost_count_new").alias("reposts"),
        )
        .collect()
    )
    return PhaseSummary(
        counts={
            "postings_maintained": frame.height,
            "updated": written,
            "repost_clusters": clustered["repost_cluster_id"].n_unique(),
            "reposted_postings": int(
                (computed["repost_count"] > 0).sum() - clustered["repost_cluster_id"].n_unique()
            ),
            "seconds": round(time.perf_counter() - started, 3),
        },
        preview=preview,
    )


def snapshot_repost_counts(history: PostingHistory, days: list[date]) -> list[dict[str, Any]]:
    """Per board and day: postings open that day that belonged to a repost cluster that day.

    Reposts are detected after the snapshots are taken (phase 4 after phase 2), so phase 4 sets
    the count of the days it ran for, zero included. A day counts the clusters of the history
    as it stood that day (`as_of`, `PostingHistory.links`), as the day's repost analytics do: a
    repost first seen later does not change an earlier day's count, so a run refreshes exactly
    the days it can change.
    """
    if not days or history.ledger.is_empty():
        return []
    per_day = []
    for day in sorted(days):
        per_day.append(
            as_of(history.ledger, day)
            .filter(pl.col("last_seen") >= day)
            .select("id", "job_board_id")
            .join(history.links(day).select("id", "repost_count"), on="id")
            .group_by("job_board_id")
            .agg(repost_count=(pl.col("repost_count") > 0).sum())
            .with_columns(snapshot_date=pl.lit(day))
        )
    return pl.concat(per_day).to_dicts()


def days_to_refresh(engine: Engine, days: list[date]) -> list[date]:
    """The days a daily phase must compute: `days`, every day after them up to the latest
    observed or computed day, and the days since the previous observed day of each board
    observed on them.

    A backfill of earlier days changes the history of the later ones, so their daily rows follow
    in the same run, however it was launched (`jobboard backfill`, the sensor, or
    `dagster asset materialize --partition-range` over earlier days). A board-day applied after
    a gap in its board's observations changes the days of that gap too: the postings its
    previous observed day listed were still open on them (as of those days they had not been
    seen since). So does an earlier day that the arrival of `days` applied or withdrew
    (`metrics.belief`). A daily run after a day observed everywhere adds nothing to `days`.
    """
    if not days:
        return []
    with session_scope(engine) as session:
        latest = [
            snapshot_queries.latest_observed_day(session),
            analytics_queries.latest_metric_day(session),
        ]
        previous = snapshot_queries.earliest_previous_observed_day(session, days)
        redecided = listing_queries.earliest_redecided_change(session, days)
    first = min(days) if previous is None else min(min(days), previous + timedelta(days=1))
    first = first if redecided is None else min(first, redecided)
    last = max(day for day in (*days, *latest) if day is not None)
    return sorted({*days, *(first + timedelta(days=n) for n in range((last - first).days + 1))})


def _median(values: pl.Series) -> float | None:
    median = values.cast(pl.Float64).median()  # a float, or None when there is no value
    return median if isinstance(median, float) else None


def as_of(postings_frame: pl.DataFrame, day: date) -> pl.DataFrame:
    """The history as it stood at the end of `day`: what a score computed that day saw.

    A backfill scores past days after later days were merged; a posting seen on or after `day`
    was still active then, and its lifespan so far ends at `day`. A reappeared posting (its
    spans in `span_firsts` / `span_lasts`, its disappearances in `gone_days`) is cut at its
    last span that started by `day`: if that span ended before `day`, the posting had
    disappeared on the day after it, whatever later days listed it again. So a day's history
    depends only on the observations up to the board's next observed day after it, and a run
    refreshes exactly the days it can change (`days_to_refresh`).
    """
    first_seen, last_seen = pl.col("first_seen"), pl.col("last_seen")
    seen = postings_frame.filter(first_seen <= day)
    if "span_firsts" in seen.columns:
        started = pl.col("span_firsts").list.eval(pl.element() <= day).list.sum() - 1
        seen = seen.with_columns(
            last_seen=pl.coalesce(pl.col("span_lasts").list.get(started), last_seen),
            disappeared_at=pl.coalesce(
                pl.col("gone_days").list.get(started, null_on_oob=True),
                pl.col("disappeared_at"),
            ),
        )
    return seen.with_columns(
        is_active=last_seen >= day,
        disappeared_at=pl.when(last_seen >= day).then(None).otherwise(pl.col("disappeared_at")),
        last_seen=pl.min_horizontal(last_seen, pl.lit(day)),
    )


def update_scores(history: PostingHistory, days: list[date]) -> PhaseSummary:
    """Phase 5: each day's efficiency scores (board, board x role family, board in industry)."""
    started = time.perf_counter()
    engine, settings = history.engine, history.settings
    boards = score_queries.boards_frame(engine)
    employer = score_queries.employer_surveys_frame(engine)
    candidate = score_queries.candidate_surveys_frame(engine)
    written = 0
    scored = pl.DataFrame()
    for day in sorted(days):
        previous = score_queries.scores_of_day(engine, day - timedelta(days=1))
        scored = scores.efficiency_scores(
            in_window(as_of(history.window, day), day, settings),
            boards,
            employer,
            candidate,
            as_of=day,
            previous_scores=previous,
            links=history.links(day),
            settings=settings,
        )
        written += score_queries.replace_scores(engine, day, scored)
    ranking = (
        scored.filter(pl.col("role_family").is_null() & pl.col("industry").is_null())
        .join(boards.select(job_board_id="id", board="name"), on="job_board_id")
        .sort("rank", "board", nulls_last=True)
        .select(
            "rank",
            "board",
            "overall_score",
            pl.when(pl.col("grade") == scores.INSUFFICIENT_GRADE)
            .then(pl.lit("insufficient data"))
            .otherwise(pl.col("grade"))
            .alias("grade"),
            pl.col("details").struct.field("km_median_days").alias("median_days"),
            pl.format(
                "{}-{}",
                pl.col("details")
                .struct.field("km_median_ci_low_days")
                .cast(pl.Utf8)
                .fill_null("?"),
                pl.col("details")
                .struct.field("km_median_ci_high_days")
                .cast(pl.Utf8)
                .fill_null("?"),
            ).alias("median_ci"),
            "lifespan_score",
            "repost_score",
            "employer_survey_score",
            "candidate_survey_score",
            "data_completeness",
            "fake_fresh_share",
            "trend",
        )
        if scored.height
        else None
    )
    return PhaseSummary(
        counts={
            "days": len(days),
            "rows_written": written,
            "boards_scored": ranking.height if ranking is not None else 0,
            "boards_insufficient_data": (
                int((ranking["grade"] == "insufficient data").sum()) if ranking is not None else 0
            ),
            "median_score": _median(ranking["overall_score"]) if ranking is not None else None,
            "seconds": round(time.perf_counter() - started, 3),
        },
        preview=ranking.head(10) if ranking is not None else None,
        table=ranking,
    )
