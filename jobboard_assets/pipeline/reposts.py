"""Reposts: repost clusters within each board, and the days' snapshot repost counts."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from typing import Any

import polars as pl

from jobboard_assets.pipeline.phase_summary import DayFigures, PhaseSummary, changed_rows
from jobboard_assets.pipeline.posting_history import PostingHistory
from jobboard_assets.pipeline.timeline import as_of
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.queries import snapshots as snapshot_queries


def update_reposts(postings: PostingHistory, days: list[date]) -> PhaseSummary:
    """Reposts: repost clusters within each board, written as repost_cluster_id/repost_count.

    The maintained postings' clusters (`PostingHistory`) are compared and written where they
    changed; the days' snapshots get their repost_count refreshed from the new clusters.
    """
    started = time.perf_counter()
    frame = postings.ledger
    computed = postings.links().select("id", "repost_cluster_id", "repost_count")
    changed = changed_rows(frame, computed, ["repost_cluster_id", "repost_count"])
    written = postings.write(changed)
    per_board = snapshot_repost_counts(postings, days)
    with session_scope(postings.engine) as session:
        snapshot_queries.set_repost_counts(session, per_board)
    clustered = computed.filter(pl.col("repost_cluster_id").is_not_null())
    figures = {
        day: DayFigures(
            counts={
                "open_reposted_postings": sum(
                    row["repost_count"] for row in per_board if row["snapshot_date"] == day
                ),
                "repost_clusters": postings.links(day)["repost_cluster_id"].drop_nulls().n_unique(),
            }
        )
        for day in sorted(days)
    }
    if figures:
        # The biggest clusters as the history stands at its newest day: that day's table.
        newest = max(figures)
        figures[newest] = replace(figures[newest], table=biggest_clusters(postings, clustered))
    return PhaseSummary(
        counts={
            "days": len(days),
            "postings_maintained": frame.height,
            "updated": written,
            "repost_clusters": clustered["repost_cluster_id"].n_unique(),
            "reposted_postings": int(
                (computed["repost_count"] > 0).sum() - clustered["repost_cluster_id"].n_unique()
            ),
            "seconds": round(time.perf_counter() - started, 3),
        },
        days=figures,
    )


def biggest_clusters(postings: PostingHistory, clustered: pl.DataFrame) -> pl.DataFrame:
    """The biggest clusters' members, their text read from the scan for these rows alone."""
    biggest = clustered.sort(
        "repost_count", "repost_cluster_id", "id", descending=[True, False, False]
    ).head(10)
    return (
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


def snapshot_repost_counts(history: PostingHistory, days: list[date]) -> list[dict[str, Any]]:
    """Per board and day: postings open that day that belonged to a repost cluster that day.

    Reposts are detected after the snapshots are taken (the reposts phase after the snapshot), so the reposts phase sets
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
