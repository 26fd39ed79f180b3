"""The same job across boards: an employer's ATS and an aggregator's feed, two ATSs in a migration.

Two postings on different boards are listings of one job when they share

- the employer (`company_key`: case- and space-insensitive, as for reposts),
- the normalised title (`title_key`: the sorted set of words of `normalized_title`),
- the place (`location_key`: casefolded words without work-mode words), and
- their dates: they were listed at the same time (their [first_seen, last_seen] overlap) and
  first seen at most `cross_board_window_days` apart (a feed picks a posting up within days),
- and each is the other's nearest such posting on that board (first sightings closest, then
  the smaller id): a job reposted while still up has two postings on the ATS and two on the
  feed, and each copy belongs to its own original.

Linked postings form groups (connected components); a group whose postings are on one board only
is no cross-board job. Within one board the same key over time is a repost chain
(`repost_chains`), not a cross-board link: a repost re-listed weeks later on the feed is linked
to the feed's copy, not to the original.
"""

from __future__ import annotations

import polars as pl

from jobboard_assets.metrics.observations import days_between
from jobboard_assets.metrics.repost_chains import connected_component_labels, repost_keys
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings

CROSS_BOARD_WINDOW_DAYS = 7
"""First sightings at most a week apart: feeds pick postings up within days."""

_KEY = ["company_key_id", "location_key_id", "title_key_id"]


def cross_board_pairs(
    postings: pl.DataFrame,
    *,
    window_days: int = CROSS_BOARD_WINDOW_DAYS,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`node`, `node_other`: every linked pair of postings on two boards (by id, node < other)."""
    keyed = (
        repost_keys(postings, settings, key_texts=False)
        .select("id", "job_board_id", "first_seen", "last_seen", *_KEY)
        .collect()
    )
    # Postings whose key is on one board only link nothing: drop them before the self-join.
    shared = keyed.filter(pl.col("job_board_id").n_unique().over(_KEY) > 1)
    apart = days_between(pl.col("first_seen"), pl.col("first_seen_other")).abs()
    # Both directions of each candidate, ranked per posting and other board: nearest first.
    nearest = pl.struct("apart", "id_other").rank("ordinal").over("id", "job_board_id_other")
    candidates = (
        shared.join(shared, on=_KEY, suffix="_other")
        .filter(
            (pl.col("job_board_id") != pl.col("job_board_id_other"))
            & (pl.col("first_seen") <= pl.col("last_seen_other"))
            & (pl.col("first_seen_other") <= pl.col("last_seen"))
            & (apart <= window_days)
        )
        .with_columns(apart=apart)
        .filter(nearest == 1)
    )
    mutual = candidates.join(
        candidates.select(id="id_other", id_other="id"), on=["id", "id_other"], how="semi"
    )
    return mutual.filter(pl.col("id") < pl.col("id_other")).select(node="id", node_other="id_other")


def cross_board_groups(
    postings: pl.DataFrame,
    *,
    window_days: int = CROSS_BOARD_WINDOW_DAYS,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """`id`, `job_group_id` (the smallest posting id of the group) of every posting linked to
    the same job on another board; other postings have no row."""
    pairs = cross_board_pairs(postings, window_days=window_days, settings=settings)
    if pairs.is_empty():
        return pl.DataFrame(schema={"id": pl.Int64, "job_group_id": pl.Int64})
    return (
        connected_component_labels(pairs)
        .select(
            pl.col("node").cast(pl.Int64).alias("id"), job_group_id=pl.col("label").cast(pl.Int64)
        )
        .sort("id")
    )
