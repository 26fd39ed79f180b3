"""Which fetched board-days are believed: a function of the board's listings around each day.

Every fetched listing is kept; a board-day is *believed* (applied to the history, an observed
day) or *held* (kept, a gap in the history). A day is judged against its nearest fetched days
within `SuspectRule.max_gap_days` on either side (beyond the gap that restarts tracking there is
nothing to compare with), never against what happened to arrive first, so the same listings give
the same beliefs in any order. A day's belief depends only on those two neighbours, so a day
that arrives re-decides itself and its nearest fetched day on each side (`redecided`), nothing
else. docs/history.md, "Which board-days are believed", has the rule with examples.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SuspectRule:
    """When a scrape is too small to be believed (docs/failure-modes.md, the zero-postings trap).

    A board that suddenly lists nothing, far fewer postings than on its neighbouring days, or
    none of the ids they listed is far more often broken (redesign, block page, wrong slug,
    SmartRecruiters' empty 200) than emptied overnight; believing it would close postings and
    corrupt every lifespan.
    """

    min_ratio: float = 0.5
    """Short of a neighbour listing fewer than this share of it."""
    min_active: int = 10
    """Ratio and overlap rules apply only against neighbours listing at least this many; a first
    observation listing fewer waits for a confirming day."""
    max_gap_days: int = 7
    """Only fetched days this close count as neighbours (`MetricsSettings.tracking_gap_days`)."""


DEFAULT_RULE = SuspectRule()


@dataclass(frozen=True)
class Verdict:
    """Whether a fetched board-day is believed and, when it is not, why."""

    believed: bool
    reason: str | None = None


BELIEVED = Verdict(True)
HELD = "kept, not applied until the board's neighbouring days confirm it"
"""How a held day's reason ends."""


def falls_short(listed: frozenset[str], other: frozenset[str], rule: SuspectRule) -> str | None:
    """Why `listed` is not believable next to a neighbour's listing `other` (None: it is)."""
    if not other:
        return None
    if not listed:
        return f"listed 0 postings but {len(other)}"
    if len(other) < rule.min_active:
        return None
    if len(listed) < rule.min_ratio * len(other):
        return f"listed {len(listed)} postings but {len(other)} (below {rule.min_ratio:.0%})"
    if not listed & other:
        return f"listed none of the {len(other)} posting ids (did the board change its ids?)"
    return None


def neighbours(fetched: Sequence[date], day: date, max_gap_days: int) -> tuple[date | None, ...]:
    """The nearest fetched days before and after `day` (sorted `fetched`) within the gap."""
    left, right = bisect_left(fetched, day), bisect_right(fetched, day)
    before = fetched[left - 1] if left else None
    after = fetched[right] if right < len(fetched) else None
    return (
        before if before is not None and (day - before).days <= max_gap_days else None,
        after if after is not None and (after - day).days <= max_gap_days else None,
    )


def decide(
    listings: Mapping[date, frozenset[str]],
    day: date,
    rule: SuspectRule,
    fetched: Sequence[date] | None = None,
) -> Verdict:
    """Believe `day` when its previous fetched day vouches for it (it is not short of it), or,
    failing that, when its next fetched day confirms it (a shrinkage that lasts, a first day
    that the board's next day agrees with). A first observation (nothing listed before it
    within the gap) of at least `min_active` postings is believed on its own; an empty or
    smaller one waits. `fetched`:
    the sorted days of `listings`, when the caller has them."""
    listed = listings[day]
    days = sorted(listings) if fetched is None else fetched
    before, after = neighbours(days, day, rule.max_gap_days)
    if before is not None and listings[before]:
        short = falls_short(listed, listings[before], rule)
        if short is None:
            return BELIEVED
        reason = f"the board {short} on {before.isoformat()}"
    elif len(listed) >= rule.min_active:
        return BELIEVED
    else:
        reason = (
            f"the board's first observation in {rule.max_gap_days} days lists {len(listed)} "
            f"postings (fewer than {rule.min_active})"
        )
    if after is not None and (listed or before is not None):
        confirmed = falls_short(listed, listings[after], rule)
        if confirmed is None:
            return BELIEVED
        reason += f", and {confirmed} on {after.isoformat()}"
    return Verdict(False, f"{reason}: {HELD}")


def redecided(fetched: Sequence[date], day: date, max_gap_days: int) -> list[date]:
    """The fetched days whose belief `day`'s listing can change: itself and its neighbours."""
    return sorted({day, *(d for d in neighbours(fetched, day, max_gap_days) if d is not None)})


def believed_days(
    listings: Mapping[date, frozenset[str]], rule: SuspectRule
) -> dict[date, Verdict]:
    """Every fetched day's verdict from the board's whole record."""
    fetched = sorted(listings)
    return {day: decide(listings, day, rule, fetched) for day in fetched}


def withdrawn(
    spans: Sequence[tuple[date, date]], day: date, before: date | None, after: date | None
) -> list[tuple[date, date]]:
    """A posting's spans once `day` is no longer an observed day (`before` / `after`: the
    board's observed days around it). A span of `day` alone goes; one ending or starting on
    it ends on `before` or starts on `after`; spans ending on `before` and starting on `after`
    join, as those days are now consecutive."""
    kept = []
    for first, last in spans:
        if first == day == last:
            continue
        kept.append(
            (after if first == day and after else first, before if last == day and before else last)
        )
    left = next((s for s in kept if before is not None and s[1] == before), None)
    right = next((s for s in kept if after is not None and s[0] == after), None)
    if left and right:
        kept = [s for s in kept if s is not left and s is not right] + [(left[0], right[1])]
    return sorted(kept)
