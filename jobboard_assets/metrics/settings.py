"""Every threshold the metrics use, in one frozen dataclass, with the reason beside each.

Callers pass `MetricsSettings(...)` with overrides (`dataclasses.replace(DEFAULT_SETTINGS, ...)`);
the functions never read a threshold from anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict


@dataclass(frozen=True)
class MetricsSettings:
    # --- lifespans -------------------------------------------------------------------------
    # The specified health bands: "older than 30/60/90 days" are the ages at which an open posting
    # stops being a normal hiring cycle (30), becomes concerning (60) and a ghost-job signal
    # (domain notes: age >= 60-90 days since first seen).
    active_age_thresholds_days: tuple[int, ...] = (30, 60, 90)
    # The specified six histogram buckets: (label, first day, last day inclusive; None = open-ended).
    lifespan_buckets: tuple[tuple[str, int, int | None], ...] = (
        ("0-7", 0, 7),
        ("8-14", 8, 14),
        ("15-30", 15, 30),
        ("31-60", 31, 60),
        ("61-90", 61, 90),
        ("90+", 91, None),
    )

    # A board's tracking starts again after a gap in its observations longer than this: the
    # postings listed on the first day after it may have opened during the gap (left-truncated).
    tracking_gap_days: int = 7
    # A board's own dates are trusted for the standing stock's ages (delayed entry) when at
    # most this share of its dated postings shows a date more than `restamp_margin_days` after
    # the day we first saw them (a re-stamp: no original date is later than a sighting).
    max_restamped_share: float = 0.05
    # A board date one day after our first sighting may be a time zone; two days are a re-stamp.
    restamp_margin_days: int = 1

    # --- the window a day's metrics describe -----------------------------------------------
    # A day's lifespan statistics, scores and repost rates describe the postings open at some
    # time in its last `metrics_lookback_days` days (a year, as the survey lookback): a board
    # that changed its ways shows it within a year, and a day's work reads a year of postings
    # whatever the length of the history. A posting opened before the window enters the
    # survival estimate at its age on the window's first day (delayed entry), so the long-lived
    # ones are not over-counted. Reposts are still detected over the whole history.
    metrics_lookback_days: int = 365

    # --- reposts ---------------------------------------------------------------------------
    # Domain notes: "windows of 90-180 days are common"; the wide end, because a role that
    # is reposted after a quarter is still the same unfilled role.
    repost_window_days: int = 180
    # Location words that say how, not where, someone works: "Berlin (Remote)" and "Berlin" are
    # one place; a location that is only "Remote" becomes the empty place (all remote postings
    # of a title at a company are one job), but "Remote - EU" and "Remote - US" stay different.
    location_noise_tokens: frozenset[str] = frozenset(
        {"remote", "hybrid", "onsite", "anywhere", "worldwide"}
    )
    # Optional fuzzy fallback on titles (rapidfuzz token_sort_ratio, 0-100) inside one
    # board+company+location block. Public dedup code uses 95 for titles; off (None) by default
    # because the exact sorted-token key already absorbs word order, punctuation and "sr" vs
    # "senior", and what is left near 95 ("data engineer ii" / "iii", singular / plural) is
    # where precision drops. Turn it on only after `accuracy.repost_accuracy` shows it helps.
    fuzzy_title_min_ratio: float | None = None
    # Tokens that make two otherwise similar titles different jobs; the fuzzy fallback never
    # merges titles whose sets of these tokens (or of tokens containing a digit) differ.
    fuzzy_protected_tokens: frozenset[str] = frozenset(
        {
            "i",
            "ii",
            "iii",
            "iv",
            "v",
            "intern",
            "junior",
            "senior",
            "staff",
            "principal",
            "lead",
            "head",
            "manager",
            "director",
        }
    )
    # The specified severity table: above 30% a board is "Concerning", so it is flagged.
    flagged_repost_rate_pct: float = 30.0
    # Domain notes: serial reposting (3+ times) is one of the strongest ghost-job signals.
    chronic_repost_count: int = 3

    # --- scores ----------------------------------------------------------------------------
    # The specified weights: lifespan 40%, reposts 30%, employer surveys 20%, candidate surveys 10%.
    lifespan_weight: float = 0.40
    repost_weight: float = 0.30
    employer_survey_weight: float = 0.20
    candidate_survey_weight: float = 0.10
    # The specified lifespan scale, applied to the Kaplan-Meier median: 7 days -> 100, 60 -> 0.
    lifespan_best_days: float = 7.0
    lifespan_worst_days: float = 60.0
    # The specified repost score: 100 - 2 x repost rate (%), so 50% reposts -> 0.
    repost_score_per_pct: float = 2.0
    # The specified quality adjustment: (repost rate upper bound %, exclusive; multiplier).
    quality_adjustment_steps: tuple[tuple[float, float], ...] = (
        (5.0, 1.0),
        (15.0, 0.95),
        (30.0, 0.85),
        (50.0, 0.70),
    )
    # The specified table uses 0.0 at 50%+ ("data unusable"). Softened to 0.5: the repost component is
    # already 0 there, so the board is an F anyway (base <= 70 -> <= 35), but zero would make
    # every such board tie at 0 and hide what the other components say; "unusable" is shown by
    # the repost frequency `flagged` column instead of by erasing the score.
    quality_adjustment_floor: float = 0.5
    # The specified grade table: lower bound (inclusive) -> grade, best first.
    grade_floors: tuple[tuple[float, str], ...] = (
        (90.0, "A+"),
        (85.0, "A"),
        (80.0, "B+"),
        (75.0, "B"),
        (70.0, "C+"),
        (60.0, "C"),
        (50.0, "D"),
        (0.0, "F"),
    )
    # The lifespan estimate rests on at least this many postings seen to open; fewer, and the
    # row has insufficient data (its own grade), not an F.
    min_estimate_postings: int = 10
    # A board x role family row needs this many postings in the family: below it a median and a
    # repost rate swing with one posting (1 repost in 4 postings = 25%).
    min_role_family_postings: int = 10
    # Surveys older than a year describe a board that may have changed since.
    survey_lookback_days: int = 365
    # Warehouse survey items are 1-10 (day-2 schema); values outside are data errors, ignored.
    survey_rating_min: int = 1
    survey_rating_max: int = 10
    # Employer `candidate_quality` words on the same 0-100 scale as the ratings, evenly spaced.
    candidate_quality_scores: tuple[tuple[str, float], ...] = (
        ("excellent", 100.0),
        ("good", 200.0 / 3.0),
        ("fair", 100.0 / 3.0),
        ("poor", 0.0),
    )

    # --- fake freshness --------------------------------------------------------------------
    # A board date within a week reads as "new" to a candidate ...
    fresh_posted_within_days: int = 7
    # ... while a month of our own history says it is not (the lifespan report: 30+ days = difficulty filling).
    fake_fresh_min_observed_days: int = 30
    # The lifespan component is multiplied by 1 - penalty x the board's fake-fresh share: a
    # board that makes its old postings look new hides how long they stay open, so the share
    # it hides is not credited (every open posting fake-fresh: no lifespan points).
    fake_fresh_penalty: float = 1.0


DEFAULT_SETTINGS = MetricsSettings()


class Window(TypedDict):
    """The observed span every lifespan and score function takes, passed on as `**window`:
    the last day observed and the first (None: from each posting's first sighting)."""

    as_of: date
    tracking_start: date | None
