"""Is this posting real? Named signals per posting and a stale likelihood that combines them.

People ask one level below the board scores: is *this* posting stale? Each signal is a fact our
history holds about the posting, with its value; the likelihood combines the signals that fire
by a stated rule (a noisy-OR: each fired signal alone would make the posting stale with its
weight, independently of the others), so every answer says which signals drove it:

    stale_likelihood = 1 - product over fired signals of (1 - weight)

| signal | fires when | weight |
|---|---|---|
| `restamped` | the board date is more than `restamp_margin_days` after our first sighting | 0.60 |
| `fake_fresh` | the board date says new (<= 7 days) while we have seen it for 30+ days | 0.60 |
| `listed_after_expiry` | still listed after its own `expires_at` | 0.70 |
| `age_beyond_board_p90` | its age exceeds its board's 90th percentile lifespan for its role family | 0.40 |
| `age_beyond_twice_board_p90` | its age exceeds twice that 90th percentile | 0.30 |
| `age_beyond_board_median` | its age exceeds that median | 0.10 |
| `reposted` | an earlier posting of the same job exists (its repost chain) | 0.20 |
| `chronic_reposting` | the chain holds `chronic_repost_count` (3) or more earlier postings | 0.30 |
| `no_pay_stated` | no pay range | 0.05 |

A posting is called stale at `threshold` (0.5): age alone (0.46 for both age signals) is not
enough, age plus any repost is; a re-stamp, fake freshness or a passed expiry is. Weights and
threshold were chosen to make each rule readable, then measured against the simulator's truth
(docs/metrics.md, "Stale postings against the truth").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from jobboard_assets.metrics.observations import days_between
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings
from jobboard_assets.metrics.survival import posting_survival_curve

SIGNAL_WEIGHTS: dict[str, float] = {
    "restamped": 0.60,
    "fake_fresh": 0.60,
    "listed_after_expiry": 0.70,
    "age_beyond_board_p90": 0.40,
    "age_beyond_twice_board_p90": 0.30,
    "age_beyond_board_median": 0.10,
    "reposted": 0.20,
    "chronic_reposting": 0.30,
    "no_pay_stated": 0.05,
}

SIGNAL_DESCRIPTIONS: dict[str, str] = {
    "restamped": "board date later than our first sighting (days after it)",
    "fake_fresh": "board date says new (its age in days) while we have seen it for a month",
    "listed_after_expiry": "still listed after its own expiry (days past it)",
    "age_beyond_board_p90": "age in days beyond its board's 90th percentile for its role family",
    "age_beyond_twice_board_p90": "age in days beyond twice that 90th percentile",
    "age_beyond_board_median": "age in days beyond its board's median for its role family",
    "reposted": "earlier postings of the same job (its repost chain)",
    "chronic_reposting": "earlier postings of the same job, serial reposting from 3",
    "no_pay_stated": "no pay range stated (the stated minimum)",
}
"""What each signal's value is, as the evidence shows it."""


@dataclass(frozen=True)
class StaleRule:
    """The signals' weights and the threshold at which a posting is called stale."""

    weights: dict[str, float] = field(default_factory=lambda: dict(SIGNAL_WEIGHTS))
    threshold: float = 0.5


DEFAULT_RULE = StaleRule()

EVIDENCE_COLUMNS = (
    "id",
    "first_seen",
    "is_active",
    "posted_at",
    "expires_at",
    "salary_min",
    "earlier_postings",
    "board_median_days",
    "board_p90_days",
)
"""What `stale_signals` reads: posting columns, the repost chain's earlier postings and the
board's reference lifespans (`board_reference_lifespans`, null when unknown)."""


def _signals(as_of: date, settings: MetricsSettings) -> dict[str, pl.Expr]:
    """Each signal's condition (the module table), null where an input is unknown."""
    board_date = pl.col("posted_at").dt.date()
    age = days_between(pl.col("first_seen"), pl.lit(as_of))
    board_age = days_between(board_date, pl.lit(as_of))
    return {
        "restamped": days_between(pl.col("first_seen"), board_date) > settings.restamp_margin_days,
        "fake_fresh": pl.col("is_active")
        & (board_age <= settings.fresh_posted_within_days)
        & (age >= settings.fake_fresh_min_observed_days),
        "listed_after_expiry": pl.col("is_active")
        & (pl.col("expires_at").dt.date() < pl.lit(as_of)),
        "age_beyond_board_p90": age > pl.col("board_p90_days"),
        "age_beyond_twice_board_p90": age > 2 * pl.col("board_p90_days"),
        "age_beyond_board_median": age > pl.col("board_median_days"),
        "reposted": pl.col("earlier_postings") >= 1,
        "chronic_reposting": pl.col("earlier_postings") >= settings.chronic_repost_count,
        "no_pay_stated": pl.col("salary_min").is_null(),
    }


def stale_signals(
    postings: pl.DataFrame,
    *,
    as_of: date,
    rule: StaleRule = DEFAULT_RULE,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Per posting (`EVIDENCE_COLUMNS` in): `id`, `age_days`, one boolean column per signal (a
    signal whose inputs are unknown does not fire), `stale_likelihood` (0-1, the rule above),
    `stale_drivers` (the fired signals with a weight, strongest first) and `stale`."""
    signals = {
        name: expr.fill_null(False).alias(name)
        for name, expr in _signals(as_of, settings).items()
        if name in rule.weights
    }
    kept = pl.lit(1.0)
    for name in signals:
        kept = kept * pl.when(pl.col(name)).then(1.0 - rule.weights[name]).otherwise(1.0)
    by_weight = sorted(signals, key=lambda name: -rule.weights[name])
    drivers = pl.concat_list(
        pl.when(pl.col(name) & (rule.weights[name] > 0)).then(pl.lit(name)).otherwise(None)
        for name in by_weight
    ).list.drop_nulls()
    return (
        postings.select(
            "id",
            age_days=days_between(pl.col("first_seen"), pl.lit(as_of)),
            **signals,
        )
        .with_columns(stale_likelihood=(1.0 - kept).round(4), stale_drivers=drivers)
        .with_columns(stale=pl.col("stale_likelihood") >= rule.threshold)
    )


def _first_time_at_or_below(level: float) -> pl.Expr:
    return pl.col("time").filter(pl.col("survival") <= level + 1e-9).min()


def board_reference_lifespans(
    postings: pl.DataFrame,
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Per (`job_board_id`, `role_family`) of `postings`: the Kaplan-Meier `median_days` and
    `p90_days` (null when not reached), `median_floor_days` (the median or the follow-up it is
    known to exceed), `estimate_postings` and `scope` ("role family", or "board" when the role
    family has fewer than `min_role_family_postings` in the estimate: the board's figures stand
    in). The Kaplan-Meier view, not closed postings only: open postings are the long ones."""

    def quantiles(by: list[str]) -> pl.DataFrame:
        curve = posting_survival_curve(postings, by, as_of=as_of, tracking_start=tracking_start)
        return curve.group_by(by).agg(
            estimate_postings=(pl.col("events") + pl.col("censored")).sum().cast(pl.Int64),
            median_days=_first_time_at_or_below(0.5),
            p90_days=_first_time_at_or_below(0.1),
            median_floor_days=pl.coalesce(_first_time_at_or_below(0.5), pl.col("time").max()),
        )

    boards = quantiles(["job_board_id"])
    families = quantiles(["job_board_id", "role_family"]).filter(
        pl.col("estimate_postings") >= settings.min_role_family_postings
    )
    keys = postings.select("job_board_id", "role_family").unique()
    figures = ["estimate_postings", "median_days", "p90_days", "median_floor_days"]
    return (
        keys.join(families, on=["job_board_id", "role_family"], how="left", nulls_equal=True)
        .join(boards, on="job_board_id", how="left", suffix="_board")
        .with_columns(
            scope=pl.when(pl.col("estimate_postings").is_not_null())
            .then(pl.lit("role family"))
            .otherwise(pl.lit("board")),
            **{
                name: pl.when(pl.col("estimate_postings").is_not_null())
                .then(pl.col(name))
                .otherwise(pl.col(f"{name}_board"))
                for name in figures
            },
        )
        .select("job_board_id", "role_family", "scope", *figures)
        .sort("job_board_id", "role_family", nulls_last=True)
    )


def with_reference(postings: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """The postings with `board_median_days` and `board_p90_days` of their board and role family
    (null where not reached: an unknown figure fires no signal)."""
    return postings.join(
        reference.select(
            "job_board_id",
            "role_family",
            board_median_days="median_days",
            board_p90_days="p90_days",
        ),
        on=["job_board_id", "role_family"],
        how="left",
        nulls_equal=True,
    )


def earlier_postings(postings: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """`id`, `earlier_postings`: how many postings of its repost chain (`repost_links`) were
    first seen before it (0 outside any chain)."""
    return (
        postings.select("id", "first_seen")
        .join(links.select("id", "repost_cluster_id"), on="id", how="left")
        .select(
            "id",
            earlier_postings=pl.when(pl.col("repost_cluster_id").is_null())
            .then(0)
            .otherwise(pl.col("first_seen").rank("min").over("repost_cluster_id") - 1)
            .cast(pl.Int64),
        )
    )
