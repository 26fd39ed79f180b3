"""A verdict where the evidence is already there, for boards the score calls "insufficient data".

A board whose Kaplan-Meier median is not reached has no lifespan score, yet the data says
something: the median is at least the longest follow-up (`followup_max_days`), so the lifespan
score is at most what that floor earns (times the freshness discount), and so is the overall
score once the other components are weighed in as usual:

    lifespan ceiling = clip((worst - floor) / (worst - best) x 100, 0, 100) x freshness adjustment
    overall ceiling  = weighted mean of (lifespan ceiling, the components with data) x quality adj.

The board gets the **bounded grade** "<letter of the ceiling> or worse" when that letter is
`BOUNDED_GRADE_MAX` ("D") or below ("F" alone when even that is the best the data allows): the
data rules out a passing grade. A higher ceiling says
nothing a reader can act on, so the board stays "insufficient data" (which it also stays with
fewer than `min_estimate_postings` in the estimate).

A board is **flagged ghost-heavy** when most of its dated open postings are fake-fresh
(`fake_fresh_share` >= `GHOST_SHARE`, from at least `min_estimate_postings` fake-fresh postings):
their board dates say new while our history has seen them for a month or re-stamped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobboard_assets.metrics.settings import DEFAULT_SETTINGS, MetricsSettings

BOUNDED_GRADE_MAX = "D"
"""The best letter a bounded grade may carry. "D or worse": measured on the simulator's markets
after 30 tracked days, ghost-heavy boards' ceilings are 36-52 and an undated normal board's
67-74, so "C or worse" would bound a healthy board that is only tracked too briefly yet."""
GHOST_SHARE = 0.5
"""Most (half or more) of a board's dated open postings fake-fresh: flagged."""

_COMPONENTS = (
    ("lifespan_score", "lifespan_weight"),
    ("repost_score", "repost_weight"),
    ("employer_survey_score", "employer_survey_weight"),
    ("candidate_survey_score", "candidate_survey_weight"),
)


def letter(score: float, settings: MetricsSettings = DEFAULT_SETTINGS) -> str:
    """The grade whose floor `score` reaches (the specified table)."""
    return next(grade for floor, grade in settings.grade_floors if score >= floor)


def overall_ceiling(
    row: Mapping[str, Any], settings: MetricsSettings = DEFAULT_SETTINGS
) -> float | None:
    """The highest overall score a board row with an unreached median can have (None when its
    median is reached, or its estimate rests on too few postings to bound anything)."""
    if (
        row.get("km_median_reached", True)
        or row.get("followup_max_days") is None
        or (row.get("estimate_postings") or 0) < settings.min_estimate_postings
    ):
        return None
    best, worst = settings.lifespan_best_days, settings.lifespan_worst_days
    floor = row["followup_max_days"]
    lifespan = min(100.0, max(0.0, (worst - floor) / (worst - best) * 100.0))
    lifespan *= row.get("freshness_adjustment") or 1.0
    scores = {"lifespan_score": lifespan} | {name: row.get(name) for name, _ in _COMPONENTS[1:]}
    weighted = [
        (scores[name], getattr(settings, weight))
        for name, weight in _COMPONENTS
        if scores[name] is not None
    ]
    base = sum(score * weight for score, weight in weighted) / sum(w for _, w in weighted)
    return round(float(base * (row.get("quality_adjustment") or 1.0)), 2)


def bounded_grade(
    row: Mapping[str, Any], settings: MetricsSettings = DEFAULT_SETTINGS
) -> str | None:
    """ "D or worse" (the ceiling's letter) for an insufficient-data row whose ceiling rules out a
    passing grade; None otherwise."""
    if not row.get("insufficient_data"):
        return None
    ceiling = overall_ceiling(row, settings)
    if ceiling is None:
        return None
    grades = [grade for _, grade in settings.grade_floors]
    grade = letter(ceiling, settings)
    if grades.index(grade) < grades.index(BOUNDED_GRADE_MAX):
        return None
    return grade if grade == grades[-1] else f"{grade} or worse"


def ghost_heavy(row: Mapping[str, Any], settings: MetricsSettings = DEFAULT_SETTINGS) -> bool:
    """Most of the board's dated open postings are fake-fresh, from enough of them to say so."""
    share = row.get("fake_fresh_share")
    return (
        share is not None
        and share >= GHOST_SHARE
        and (row.get("fake_fresh_postings") or 0) >= settings.min_estimate_postings
    )
