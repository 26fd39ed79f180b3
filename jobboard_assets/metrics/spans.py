"""The scrape as pure functions: a posting's history derived from what the board listed on its days.

A posting's history is a function of the board's observed days and of the days that listed it,
never of the order days were applied in. It is kept as spans: runs of consecutive observed
board-days that listed the posting. Applying day d (new, or again) changes only the spans around
d: the nearest observed days before and after it (`Neighbours`) decide whether d joins, splits
or starts a span. Everything else (first_seen, last_seen, is_active, disappeared_at, lifespan,
events) is derived from the spans and the board's observed days (`derive_state`). A day that
failed or was never scraped is not an observed day: it is a gap, and it closes nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

Span = tuple[date, date]
"""(first_day, last_day): both observed days of the board that listed the posting."""

Event = tuple[str, date, str | None]
"""(event_type, event_date, notes), as stored in posting_events."""


@dataclass(frozen=True)
class Neighbours:
    """The board's nearest observed days before and after a day (None at either end)."""

    before: date | None
    after: date | None

    @staticmethod
    def of(observed_days: Sequence[date], day: date) -> Neighbours:
        """Neighbours of `day` among the sorted `observed_days` (`day` itself ignored)."""
        left = bisect_left(observed_days, day)
        right = bisect_right(observed_days, day)
        return Neighbours(
            before=observed_days[left - 1] if left else None,
            after=observed_days[right] if right < len(observed_days) else None,
        )


def respan(spans: Sequence[Span], day: date, around: Neighbours, listed: bool) -> list[Span]:
    """The spans of one posting once `day` is an observed day that listed it (or did not).

    First `day` is cut out of any span holding or bridging it (so a re-run of a day starts from
    the history without that day); then, when listed, `day` joins the span ending on the
    observed day before it and the one starting on the observed day after it. The result
    depends only on which observed days listed the posting, whatever was applied before.
    """
    cut: list[Span] = []
    for first, last in spans:
        if not first <= day <= last:
            cut.append((first, last))
            continue
        if first < day and around.before is not None:
            cut.append((first, around.before))
        if day < last and around.after is not None:
            cut.append((around.after, last))
    if listed:
        left = next((s for s in cut if s[1] == around.before), None)
        right = next((s for s in cut if s[0] == around.after), None)
        joined = (left[0] if left else day, right[1] if right else day)
        cut = [s for s in cut if s is not left and s is not right] + [joined]
    return sorted(cut)


@dataclass(frozen=True)
class PostingState:
    """The derived history columns of a posting, and its events."""

    first_seen: date
    last_seen: date
    is_active: bool
    disappeared_at: date | None
    lifespan_days: int
    events: tuple[Event, ...]


def next_observed(observed_days: Sequence[date], day: date) -> date | None:
    """The board's first observed day after `day`, None when there is none yet."""
    index = bisect_right(observed_days, day)
    return observed_days[index] if index < len(observed_days) else None


def derive_state(spans: Sequence[Span], observed_days: Sequence[date]) -> PostingState:
    """History columns and events from the spans (sorted, non-empty) and the observed days.

    A posting disappears on the board's first observed day after a span ends (a missing day
    closes nothing: the next observed one decides) and reappears where a later span starts.
    """
    events: list[Event] = [("appeared", spans[0][0], None)]
    disappeared_at = None
    for index, (first, last) in enumerate(spans):
        if index:
            events.append(("reappeared", first, None))
        disappeared_at = next_observed(observed_days, last)
        if disappeared_at is not None:
            events.append(("disappeared", disappeared_at, "not listed"))
    first_seen, last_seen = spans[0][0], spans[-1][1]
    return PostingState(
        first_seen=first_seen,
        last_seen=last_seen,
        is_active=disappeared_at is None,
        disappeared_at=disappeared_at,
        lifespan_days=(last_seen - first_seen).days,
        events=tuple(events),
    )
