"""Board efficiency scores : 0-100, graded A+ to F, ranked, with the baseline fixed.

overall = base x quality_adjustment, base = the weighted mean of four 0-100 components
(lifespan 40%, reposts 30%, employer surveys 20%, candidate surveys 10%).

Fixes to the specified baseline:

(a) Lifespan uses the Kaplan-Meier median of the postings seen to open (open ones censored at
    their age; the standing stock of each board's tracking start left out, see `survival`),
    not the mean of closed postings. The mean of closed postings ignores exactly the postings
    that matter: a board whose postings never close (ghost jobs) has few, short, closed ones
    and looked efficient. The specified scale is kept (7 days -> 100, 60 -> 0, linear, clipped).
    When the data cannot say yet (fewer than `min_estimate_postings` postings seen to open, or
    the median not reached while the longest follow-up is shorter than `lifespan_worst_days`), the row has *insufficient data*: grade `INSUFFICIENT_GRADE`, no
    lifespan component, no overall score and no rank, rather than an F. A median not reached
    after a follow-up of `lifespan_worst_days` or more is worse than the scale's worst: 0.
(b) Survey ratings in the warehouse are 1-10, mapped (r - 1) / 9 x 100 (1 -> 0, 10 -> 100);
    the specified (r / 5) x 100 assumed 1-5 and gives 20 for the worst rating and 200 for the best.
    Employer `candidate_quality` words are spaced evenly on the same scale (poor 0 ... excellent
    100); the component is the mean over all valid item responses of the last
    `survey_lookback_days`.
(c) A component without data gets no neutral 50 (the specified default, which pulls every board
    without surveys towards the middle): its weight is spread over the components with data in
    proportion to their weights, and `data_completeness` (share of the four with data) says so.
(d) The specified quality adjustment (repost rate < 5% 1.0, < 15% 0.95, < 30% 0.85, < 50% 0.70) is
    kept; its last step (0.0 at 50%+, "data unusable") is softened to
    `quality_adjustment_floor` (0.5): the repost component is already 0 there, so such a board
    is an F anyway, while a zero would tie all of them at 0 and erase the other components.

(e) Fake freshness: the share of a board's open, dated postings whose board date says "new"
    while our history knows better (`freshness`) multiplies the lifespan component by
    1 - `fake_fresh_penalty` x share: a board that makes old postings look new hides how long
    they stay open, so that share earns no lifespan points (all of them fake-fresh: none).

Rows: each board (role_family and industry null); each board x role family with at least
`min_role_family_postings` postings in the family (surveys are per board, so these rows use the
board's survey components); each board again within its industry (industry set). Rank (1 =
best) and percentile (100 = best) are computed within each scope: all boards, one role family,
one industry.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from jobboard_assets.metrics.freshness import fake_freshness_summary
from jobboard_assets.metrics.lifespan_stats import lifespan_summary
from jobboard_assets.metrics.ranking import rank_and_percentile
from jobboard_assets.metrics.repost_chains import repost_frequency, repost_links
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings, Window
from jobboard_assets.metrics.survival import posting_survival_summary

_SCOPE = ["role_family", "industry"]
_ROW_KEY = ["job_board_id", *_SCOPE]
INSUFFICIENT_GRADE = "I"
"""The grade of a row whose lifespan estimate the data cannot support yet (insufficient data)."""
_COMPONENTS = (
    "lifespan_score",
    "repost_score",
    "employer_survey_score",
    "candidate_survey_score",
)
_CANDIDATE_ITEMS = (
    "job_board_experience",
    "posting_relevance",
    "ease_of_application",
    "likelihood_recommend",
)


def _rating_score(rating: pl.Expr, settings: MetricsSettings) -> pl.Expr:
    """A 1-10 rating on 0-100; out-of-range values are data errors and count as missing."""
    low, high = settings.survey_rating_min, settings.survey_rating_max
    return pl.when(rating.is_between(low, high)).then((rating - low) / (high - low) * 100.0)


def _mean_item_score(
    surveys: pl.DataFrame,
    items: list[pl.Expr],
    name: str,
    *,
    as_of: date,
    settings: MetricsSettings,
) -> pl.LazyFrame:
    """`job_board_id`, `{name}_survey_score` (mean of every valid item response of the recent
    surveys), `{name}_responses` (surveys with at least one valid item)."""
    submitted = pl.col("submitted_at").dt.date()
    oldest = as_of - timedelta(days=settings.survey_lookback_days - 1)
    item_count = pl.sum_horizontal(item.is_not_null() for item in items)
    return (
        surveys.lazy()
        .filter(submitted.is_between(oldest, as_of))
        .select(
            pl.col("job_board_id").cast(pl.Int64),
            item_sum=pl.sum_horizontal(items),
            item_count=item_count,
        )
        .group_by("job_board_id")
        .agg(
            (pl.col("item_sum").sum() / pl.col("item_count").sum()).alias(f"{name}_survey_score"),
            (pl.col("item_count") > 0).sum().cast(pl.Int64).alias(f"{name}_responses"),
        )
        .with_columns(pl.col(f"{name}_survey_score").fill_nan(None))
    )


def survey_scores(
    employer_surveys: pl.DataFrame,
    candidate_surveys: pl.DataFrame,
    *,
    as_of: date,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Per board: `employer_survey_score`, `employer_responses`, `candidate_survey_score`,
    `candidate_responses` (scores 0-100, null when the board has no valid recent response)."""
    quality = (
        pl.col("candidate_quality")
        .str.to_lowercase()
        .str.strip_chars()
        .replace_strict(
            dict(settings.candidate_quality_scores), default=None, return_dtype=pl.Float64
        )
    )
    employer = _mean_item_score(
        employer_surveys,
        [_rating_score(pl.col("hiring_effectiveness"), settings), quality],
        "employer",
        as_of=as_of,
        settings=settings,
    )
    candidate = _mean_item_score(
        candidate_surveys,
        [_rating_score(pl.col(item), settings) for item in _CANDIDATE_ITEMS],
        "candidate",
        as_of=as_of,
        settings=settings,
    )
    return (
        employer.join(candidate, on="job_board_id", how="full", coalesce=True)
        .sort("job_board_id")
        .collect()
    )


def _score_inputs(
    postings: pl.DataFrame,
    links: pl.DataFrame,
    by: list[str],
    *,
    as_of: date,
    tracking_start: date | None = None,
    settings: MetricsSettings,
) -> pl.DataFrame:
    """Survival, closed-lifespan and repost figures per group, one row per group."""
    survival = posting_survival_summary(postings, by, as_of=as_of, tracking_start=tracking_start)
    lifespans = lifespan_summary(
        postings, by, as_of=as_of, tracking_start=tracking_start, settings=settings
    ).select(
        *by,
        "postings",
        "active_postings",
        "closed_postings",
        "left_censored_postings",
        "lifespan_median_days",
    )
    reposts = repost_frequency(postings, by, links=links, settings=settings).select(
        *by, "reposts", "repost_clusters", "repost_rate_pct"
    )
    freshness = fake_freshness_summary(postings, by, as_of=as_of, settings=settings).select(
        *by, "fake_fresh_postings", "fake_fresh_share"
    )
    return (
        lifespans.join(survival, on=by, how="left")
        .join(reposts, on=by)
        .join(freshness, on=by, how="left")
        .with_columns(
            pl.col("events").fill_null(0),
            pl.col("observed").fill_null(0),
            pl.col("km_median_reached").fill_null(False),
        )
    )


def quality_adjustment(
    repost_rate_pct: pl.Expr, settings: MetricsSettings = DEFAULT_SETTINGS
) -> pl.Expr:
    """The specified multiplier for a repost rate (%), with the softened last step (module doc, d)."""
    adjustment = pl.lit(settings.quality_adjustment_floor)
    for upper_bound, multiplier in reversed(settings.quality_adjustment_steps):
        adjustment = pl.when(repost_rate_pct < upper_bound).then(multiplier).otherwise(adjustment)
    return adjustment


def letter_grade(score: pl.Expr, settings: MetricsSettings = DEFAULT_SETTINGS) -> pl.Expr:
    """The specified letter for a 0-100 score: the best grade whose floor the score reaches, so a
    score between two integer ranges (89.5) takes the lower grade (A, not A+)."""
    grade = pl.lit(None, dtype=pl.Utf8)
    for floor, letter in reversed(settings.grade_floors):
        grade = pl.when(score >= floor).then(pl.lit(letter)).otherwise(grade)
    return grade


def _scored(inputs: pl.DataFrame, settings: MetricsSettings) -> pl.DataFrame:
    """Components, redistributed weighted mean, adjustment, grade and details per row."""
    best, worst = settings.lifespan_best_days, settings.lifespan_worst_days
    weights = {
        "lifespan_score": settings.lifespan_weight,
        "repost_score": settings.repost_weight,
        "employer_survey_score": settings.employer_survey_weight,
        "candidate_survey_score": settings.candidate_survey_weight,
    }
    insufficient = (pl.col("observed") < settings.min_estimate_postings) | (
        ~pl.col("km_median_reached") & (pl.col("followup_max_days").fill_null(0) < worst)
    )
    freshness_adjustment = 1.0 - settings.fake_fresh_penalty * pl.col("fake_fresh_share").fill_null(
        0.0
    )
    lifespan_score = (
        pl.when(insufficient)
        .then(None)
        .when(pl.col("km_median_reached"))
        .then(((worst - pl.col("km_median_days")) / (worst - best) * 100.0).clip(0.0, 100.0))
        .otherwise(0.0)
    ) * freshness_adjustment
    repost_score = (100.0 - settings.repost_score_per_pct * pl.col("repost_rate_pct")).clip(
        0.0, 100.0
    )
    weighted = pl.sum_horizontal(pl.col(name) * weight for name, weight in weights.items())
    weight_with_data = pl.sum_horizontal(
        pl.when(pl.col(name).is_not_null()).then(weight).otherwise(0.0)
        for name, weight in weights.items()
    )
    with_data = pl.sum_horizontal(pl.col(name).is_not_null() for name in _COMPONENTS)
    overall = (
        pl.when(~pl.col("insufficient_data"))
        .then(pl.col("base_score") * pl.col("quality_adjustment"))
        .round(2)
    )
    details = pl.struct(
        "insufficient_data",
        "km_median_days",
        "km_median_reached",
        "km_median_ci_low_days",
        "km_median_ci_high_days",
        "km_p75_days",
        "followup_max_days",
        estimate_postings="observed",
        estimate_closed_postings="events",
        fake_fresh_postings=pl.col("fake_fresh_postings").fill_null(0),
        fake_fresh_share="fake_fresh_share",
        freshness_adjustment="freshness_adjustment",
        closed_median_days="lifespan_median_days",
        repost_rate_pct="repost_rate_pct",
        postings="postings",
        active_postings="active_postings",
        closed_postings="closed_postings",
        left_censored_postings="left_censored_postings",
        reposts="reposts",
        repost_clusters="repost_clusters",
        employer_responses=pl.col("employer_responses").fill_null(0),
        candidate_responses=pl.col("candidate_responses").fill_null(0),
    )
    return (
        inputs.with_columns(
            lifespan_score=lifespan_score,
            repost_score=repost_score,
            insufficient_data=insufficient,
            freshness_adjustment=freshness_adjustment,
        )
        .with_columns(
            base_score=weighted / weight_with_data,
            data_completeness=with_data / len(_COMPONENTS),
            quality_adjustment=quality_adjustment(pl.col("repost_rate_pct"), settings),
        )
        .with_columns(overall_score=overall, details=details)
        .with_columns(
            pl.col(_COMPONENTS).round(2),
            grade=pl.when(pl.col("insufficient_data"))
            .then(pl.lit(INSUFFICIENT_GRADE))
            .otherwise(letter_grade(pl.col("overall_score"), settings)),
        )
    )


def pay_transparency(postings: pl.DataFrame) -> pl.DataFrame:
    """Per board, how many of its postings state pay and what share that is (in %).

    Pay transparency is a quality signal people ask for; it is reported beside the score, not
    weighed into it. Columns: `job_board_id`, `pay_stated_postings`, `pay_stated_pct`.
    """
    return postings.group_by("job_board_id").agg(
        pay_stated_postings=pl.col("salary_min").is_not_null().sum().cast(pl.Int64),
        pay_stated_pct=(pl.col("salary_min").is_not_null().mean() * 100.0).round(1),
    )


def efficiency_scores(
    postings: pl.DataFrame,
    boards: pl.DataFrame,
    employer_surveys: pl.DataFrame,
    candidate_surveys: pl.DataFrame,
    *,
    as_of: date,
    tracking_start: date | None = None,
    previous_scores: pl.DataFrame | None = None,
    links: pl.DataFrame | None = None,
    settings: MetricsSettings = DEFAULT_SETTINGS,
) -> pl.DataFrame:
    """Every score row for `as_of` (see the module docstring for rows and formulas).

    Columns: `job_board_id`, `role_family`, `industry`, `overall_score`, `lifespan_score`,
    `repost_score`, `employer_survey_score`, `candidate_survey_score`, `quality_adjustment`,
    `data_completeness`, `fake_fresh_share`, `grade` (`INSUFFICIENT_GRADE` when the lifespan
    estimate cannot be trusted yet: then no overall score, rank or percentile), `rank`,
    `percentile`, `trend`, `details` (struct; a board's own row also says how many of its
    postings state pay, see `pay_transparency`).
    `previous_scores` (`job_board_id`, `role_family`, `industry`, `overall_score`: the previous
    day's rows) gives `trend` = overall_score - previous overall_score, null without one.
    `links` is `repost_links` output, recomputed when not given.
    """
    links = repost_links(postings, settings) if links is None else links
    # Board ids are joined across four frames: one integer type, whatever the loader produced.
    postings = postings.with_columns(pl.col("job_board_id").cast(pl.Int64))
    window: Window = {"as_of": as_of, "tracking_start": tracking_start}
    boards_inputs = _score_inputs(postings, links, ["job_board_id"], **window, settings=settings)
    family_inputs = _score_inputs(
        postings.filter(pl.col("role_family").is_not_null()),
        links,
        ["job_board_id", "role_family"],
        **window,
        settings=settings,
    ).filter(pl.col("postings") >= settings.min_role_family_postings)
    surveys = survey_scores(employer_surveys, candidate_surveys, as_of=as_of, settings=settings)
    scored = _scored(
        pl.concat([boards_inputs, family_inputs], how="diagonal").join(
            surveys, on="job_board_id", how="left"
        ),
        settings,
    ).with_columns(industry=pl.lit(None, dtype=pl.Utf8))
    industry_rows = (
        scored.filter(pl.col("role_family").is_null())
        .drop("industry")
        .join(
            boards.select(
                job_board_id=pl.col("id").cast(pl.Int64), industry=pl.col("industry").cast(pl.Utf8)
            ),
            on="job_board_id",
        )
        .filter(pl.col("industry").is_not_null())
    )
    ranked = pl.concat([scored, industry_rows], how="diagonal").with_columns(
        rank_and_percentile(pl.col("overall_score"), higher_is_better=True, within=_SCOPE)
    )
    previous = (
        previous_scores.select(
            pl.col("job_board_id").cast(pl.Int64),
            pl.col(_SCOPE).cast(pl.Utf8),
            previous_overall_score=pl.col("overall_score").cast(pl.Float64),
        )
        if previous_scores is not None
        else pl.DataFrame(
            schema={
                "job_board_id": pl.Int64,
                "role_family": pl.Utf8,
                "industry": pl.Utf8,
                "previous_overall_score": pl.Float64,
            }
        )
    )
    board_row = pl.col("role_family").is_null() & pl.col("industry").is_null()
    return (
        ranked.join(previous, on=_ROW_KEY, how="left", nulls_equal=True)
        .join(pay_transparency(postings), on="job_board_id", how="left")
        .with_columns(
            trend=(pl.col("overall_score") - pl.col("previous_overall_score")).round(2),
            details=pl.col("details").struct.with_fields(
                pay_stated_postings=pl.when(board_row).then(pl.col("pay_stated_postings")),
                pay_stated_pct=pl.when(board_row).then(pl.col("pay_stated_pct")),
            ),
        )
        .select(
            *_ROW_KEY,
            "overall_score",
            *_COMPONENTS,
            "quality_adjustment",
            "data_completeness",
            "fake_fresh_share",
            "grade",
            "rank",
            "percentile",
            "trend",
            "details",
        )
        .sort(*_SCOPE, "rank", "job_board_id", nulls_last=False)
    )
