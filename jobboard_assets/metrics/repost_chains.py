"""Repost detection and repost frequency , within one board.

Two postings are the same job when they share the board, the employer (company, case- and
space-insensitive), the title key (the sorted set of words of `normalized_title`) and the
location key (casefolded, accent-folded words without punctuation or work-mode words like
"remote", as a sorted set). Different locations are different jobs: fuzzy matching that merged
per-city requisitions produced fake reposts (domain notes).

Within one job key, postings form chains in first_seen order. A posting continues a chain (is a
repost) when its first_seen is strictly later than the previous member's and at most
`repost_window_days` after the previous member's last_seen. Postings first seen on the same
day are parallel openings, never reposts of each other: each same-day posting starts or
continues its own chain (its "slot", the order within the day by last_seen then id: the one that
closed first is the one most likely reposted first). A chain of one posting is no cluster.

So every cluster has exactly one original, and members - 1 = the number of reposts.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from rapidfuzz import fuzz

from jobboard_assets.metrics.observations import GroupKeys, days_between, group_keys
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings

_BLOCK = ["job_board_id", "company_key", "location_key"]
_JOB_KEY = [*_BLOCK, "title_key"]
_JOB_CODES = ["job_board_id", "company_key_id", "location_key_id", "title_key_id"]


def folded_words(text: pl.Expr) -> pl.Expr:
    """Casefolded, accent-folded words, punctuation dropped."""
    return (
        text.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.extract_all(r"[^\W_]+")
    )


def _sorted_word_set(words: pl.Expr) -> pl.Expr:
    return words.list.unique().list.sort().list.join(" ").fill_null("")


def with_key(frame: pl.LazyFrame, column: str, key: pl.Expr, name: str) -> pl.LazyFrame:
    """Add `name` (`key` of `column`) and `{name}_id` (its dense integer code).

    The key is computed once per distinct value: text normalisation is the costly part and
    postings repeat their titles, places and employers. The codes make the later sorts cheap.
    """
    distinct = (
        frame.select(column)
        .unique()
        .with_columns(key.alias(name))
        .with_columns(pl.col(name).rank("dense").cast(pl.Int64).alias(f"{name}_id"))
    )
    return frame.join(distinct, on=column, how="left", nulls_equal=True)


REPOST_KEY_SOURCE = (
    "id",
    "job_board_id",
    "first_seen",
    "last_seen",
    "company",
    "location",
    "normalized_title",
    "title",
)
"""The posting columns `repost_keys` reads: what a caller selects before handing postings over."""


def repost_keys(
    postings: pl.DataFrame | pl.LazyFrame,
    settings: MetricsSettings = DEFAULT_SETTINGS,
    *,
    key_texts: bool = True,
) -> pl.LazyFrame:
    """`id`, `job_board_id`, `first_seen`, `last_seen`, the three identity keys
    (`company_key`, `location_key`, `title_key`) and their integer codes (`..._id`).
    `key_texts=False` leaves the keys' texts out unless the fuzzy fallback needs them: the codes
    are all the chains need, at a fraction of the memory.

    `title_key` falls back to the raw title's words when `normalized_title` is missing; postings
    whose title has no word get no key and are never clustered.
    """
    noise = sorted(settings.location_noise_tokens)
    location_words = folded_words(pl.col("location")).list.filter(~pl.element().is_in(noise))
    company_key = pl.col("company").str.to_lowercase().str.replace_all(r"\s+", "").fill_null("")
    keyed = postings.lazy().select(
        *(c for c in REPOST_KEY_SOURCE if c not in ("normalized_title", "title")),
        raw_title=pl.coalesce("normalized_title", "title"),
    )
    keyed = with_key(keyed, "company", company_key, "company_key")
    keyed = with_key(keyed, "location", _sorted_word_set(location_words), "location_key")
    title_key = _sorted_word_set(folded_words(pl.col("raw_title")))
    keyed = with_key(keyed, "raw_title", title_key, "title_key")
    keyed = keyed.filter(pl.col("title_key") != "").drop("company", "location", "raw_title")
    if key_texts or settings.fuzzy_title_min_ratio is not None:
        return keyed
    return keyed.drop("company_key", "location_key", "title_key")


def linked_within(settings: MetricsSettings = DEFAULT_SETTINGS) -> list[str]:
    """The `repost_keys` codes two linked postings share: the job key, or with the fuzzy
    fallback its block (board, employer, place), as similar titles merge across the block. A
    posting's links depend on the postings sharing these codes alone."""
    return _JOB_CODES if settings.fuzzy_title_min_ratio is None else _JOB_CODES[:3]


def _fuzzy_title_canonicals(keys: pl.LazyFrame, settings: MetricsSettings) -> pl.LazyFrame:
    """(block, title_key) -> `canonical_title_key` / `canonical_title_key_id`, merging titles
    with token_sort_ratio >= the threshold inside one board+company+location block.

    Candidate pairs come from a join within the block, restricted to titles with the same
    protected tokens (levels, seniority, numbers) and to lengths that allow the ratio at all;
    they are scored in one pass over the pairs (rapidfuzz's matrix functions need numpy, which
    is not installed). Merges are transitive (connected components); the canonical title is the
    smallest key of its component, so the result does not depend on row order.
    """
    threshold = settings.fuzzy_title_min_ratio
    assert threshold is not None
    protected = sorted(settings.fuzzy_protected_tokens)
    titles = (
        keys.select(*_JOB_KEY, "title_key_id")
        .unique()
        .with_columns(
            protected_key=pl.col("title_key")
            .str.split(" ")
            .list.filter(pl.element().is_in(protected) | pl.element().str.contains(r"\d"))
            .list.join(" "),
            title_length=pl.col("title_key").str.len_chars(),
        )
        .sort(_JOB_KEY)
        .with_row_index("node")
        .collect()
    )
    shorter = pl.min_horizontal("title_length", "title_length_other")
    total_length = pl.col("title_length") + pl.col("title_length_other")
    longest_possible_ratio = 200.0 * shorter / total_length
    candidates = (
        titles.join(titles, on=[*_BLOCK, "protected_key"], suffix="_other")
        .filter(pl.col("node") < pl.col("node_other"), longest_possible_ratio >= threshold)
        .select("node", "node_other", "title_key", "title_key_other")
    )
    ratios = pl.Series(
        "ratio",
        [
            fuzz.token_sort_ratio(left, right)
            for left, right in zip(
                candidates["title_key"].to_list(),
                candidates["title_key_other"].to_list(),
                strict=True,
            )
        ],
        dtype=pl.Float64,
    )
    edges = candidates.with_columns(ratios).filter(pl.col("ratio") >= threshold)
    labels = connected_component_labels(edges.select("node", "node_other"))
    canonical = titles.select(
        label="node", canonical_title_key="title_key", canonical_title_key_id="title_key_id"
    )
    return (
        titles.lazy()
        .join(labels.lazy(), on="node", how="inner")
        .join(canonical.lazy(), on="label")
        .select(*_JOB_KEY, "canonical_title_key", "canonical_title_key_id")
    )


def connected_component_labels(edges: pl.DataFrame) -> pl.DataFrame:
    """`node`, `label` (smallest node of its component) for every node on an edge."""
    undirected = pl.concat(
        [edges, edges.select(node="node_other", node_other="node")], how="vertical"
    )
    labels = undirected.group_by("node").agg(label=pl.min_horizontal("node", "node_other").min())
    while True:
        propagated = (
            undirected.join(labels, left_on="node_other", right_on="node", suffix="_neighbour")
            .group_by("node")
            .agg(neighbour_label=pl.col("label").min())
        )
        updated = labels.join(propagated, on="node").select(
            "node", label=pl.min_horizontal("label", "neighbour_label")
        )
        if updated.sort("node").equals(labels.sort("node")):
            return updated
        labels = updated


def _run_starts(columns: list[str]) -> pl.Expr:
    """True on the first row of each run of equal `columns` values, in the frame's order."""
    return pl.any_horizontal(pl.col(name) != pl.col(name).shift() for name in columns).fill_null(
        True
    )


def repost_links(
    postings: pl.DataFrame,
    settings: MetricsSettings = DEFAULT_SETTINGS,
    *,
    keys: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per posting: `id`, `repost_cluster_id` (smallest posting id of the cluster, null
    outside any), `repost_count` (members - 1 for every member, 0 outside), and for reposts
    `previous_posting_id` and `repost_gap_days` (first_seen - previous member's last_seen;
    negative when the repost appeared while the previous posting was still listed).

    Runs on two sorts instead of ordered windows: postings sorted by job key and day give each
    posting its slot within its day; sorted by job, slot and day, each chain is a run of rows
    and a posting continues the run when it is within the window of the row before.

    `keys`: `repost_keys` computed earlier (by `id`; days ignored), so that the links of a
    history cut at several days (`timeline.as_of`) normalise the text once. A posting without a
    row is in no chain: leave out only postings no other shares their `linked_within` codes.
    """
    if keys is None:
        keyed = repost_keys(postings, settings)
    else:
        keyed = (
            postings.lazy()
            .select("id", "first_seen", "last_seen")
            .join(keys.lazy().drop("first_seen", "last_seen", strict=False), on="id")
        )
    if settings.fuzzy_title_min_ratio is not None:
        keyed = (
            keyed.join(_fuzzy_title_canonicals(keyed, settings), on=_JOB_KEY, how="left")
            .with_columns(
                title_key=pl.coalesce("canonical_title_key", "title_key"),
                title_key_id=pl.coalesce("canonical_title_key_id", "title_key_id"),
            )
            .drop("canonical_title_key", "canonical_title_key_id")
        )
    row = pl.int_range(pl.len())
    gap = days_between(pl.col("last_seen").shift(), pl.col("first_seen"))
    continues_chain = ~_run_starts(["job", "slot"]) & (gap <= settings.repost_window_days)
    clusters = (
        keyed.select("id", *_JOB_CODES, "first_seen", "last_seen")
        .sort(*_JOB_CODES, "first_seen", "last_seen", "id")
        .with_columns(
            job=_run_starts(_JOB_CODES).cum_sum(),
            slot=row - pl.when(_run_starts([*_JOB_CODES, "first_seen"])).then(row).forward_fill(),
        )
        .sort("job", "slot", "first_seen")
        .with_columns(
            is_repost=continues_chain.fill_null(False),
            gap=gap,
            previous_id=pl.col("id").shift(),
        )
        .with_columns(cluster=(~pl.col("is_repost")).cum_sum())
        .with_columns(
            members=pl.len().over("cluster"), smallest_id=pl.col("id").min().over("cluster")
        )
        .select(
            "id",
            repost_cluster_id=pl.when(pl.col("members") > 1).then("smallest_id"),
            repost_count=(pl.col("members") - 1).cast(pl.Int64),
            previous_posting_id=pl.when("is_repost").then("previous_id"),
            repost_gap_days=pl.when("is_repost").then("gap"),
        )
    )
    return (
        postings.lazy()
        .select("id")
        .join(clusters, on="id", how="left")
        .with_columns(pl.col("repost_count").fill_null(0))
        .sort("id")
        .collect()
    )


def detect_reposts(
    postings: pl.DataFrame, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.DataFrame:
    """`id`, `repost_cluster_id`, `repost_count` for every posting (see `repost_links`)."""
    return repost_links(postings, settings).select("id", "repost_cluster_id", "repost_count")


def _with_links(
    postings: pl.DataFrame,
    columns: Sequence[str],
    links: pl.DataFrame | None,
    settings: MetricsSettings,
) -> pl.LazyFrame:
    """The postings' `columns` beside their `repost_links` (computed when not given)."""
    links = repost_links(postings, settings) if links is None else links
    return postings.lazy().select("id", *columns).join(links.lazy(), on="id", how="left")


def repost_frequency(
    postings: pl.DataFrame,
    by: GroupKeys,
    *,
    links: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Repost frequency per group (board, role family, ...).

    `repost_rate_pct` = 100 x reposts / postings, where a repost is a posting that continues an
    earlier posting's chain (an original is not a repost): "the share of postings that are
    reposts of an earlier posting". Columns: by..., `postings`, `reposts`,
    `clustered_postings` (originals and reposts), `repost_clusters`, `repost_rate_pct`,
    `median_repost_gap_days`, `chronic_clusters` (clusters with `chronic_repost_count`+
    reposts), `flagged` (rate above `flagged_repost_rate_pct`).
    `links` is `repost_links` output, recomputed when not given.
    """
    keys = group_keys(by)
    cluster = pl.col("repost_cluster_id")
    is_repost = pl.col("previous_posting_id").is_not_null()
    return (
        _with_links(postings, keys, links, settings)
        .group_by(keys)
        .agg(
            postings=pl.len().cast(pl.Int64),
            reposts=is_repost.sum().cast(pl.Int64),
            clustered_postings=cluster.is_not_null().sum().cast(pl.Int64),
            repost_clusters=cluster.drop_nulls().n_unique().cast(pl.Int64),
            median_repost_gap_days=pl.col("repost_gap_days").median(),
            chronic_clusters=cluster.filter(pl.col("repost_count") >= settings.chronic_repost_count)
            .n_unique()
            .cast(pl.Int64),
        )
        .with_columns(repost_rate_pct=100.0 * pl.col("reposts") / pl.col("postings"))
        .with_columns(flagged=pl.col("repost_rate_pct") > settings.flagged_repost_rate_pct)
        .select(
            *keys,
            "postings",
            "reposts",
            "clustered_postings",
            "repost_clusters",
            "repost_rate_pct",
            "median_repost_gap_days",
            "chronic_clusters",
            "flagged",
        )
        .sort(keys)
        .collect()
    )


def chronic_reposters(
    postings: pl.DataFrame,
    *,
    links: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Clusters reposted `chronic_repost_count`+ times, one row each, worst first.

    Columns: `repost_cluster_id`, `job_board_id`, `company`, `title`, `location` (of the
    original), `repost_count`, `first_seen`, `last_seen`, `active_postings`.
    """
    original = ["job_board_id", "company", "title", "location"]
    columns = [*original, "first_seen", "last_seen", "is_active"]
    return (
        _with_links(postings, columns, links, settings)
        .filter(pl.col("repost_count") >= settings.chronic_repost_count)
        .group_by("repost_cluster_id")
        .agg(
            pl.col(original).sort_by("first_seen", "id").first(),
            pl.col("repost_count").first(),
            pl.col("first_seen").min(),
            pl.col("last_seen").max(),
            active_postings=pl.col("is_active").sum().cast(pl.Int64),
        )
        .sort(pl.col("repost_count"), "repost_cluster_id", descending=[True, False])
        .collect()
    )
