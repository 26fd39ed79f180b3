"""A simulated posting as a board lists it: what the market draws and the formats render."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from jobboard_assets.sim.catalog import Location
from jobboard_assets.sim.titles import BaseTitle


class Posting(NamedTuple):
    """One posting as a board lists it; ordinals are `date.toordinal()` days.

    A named tuple: histories hold hundreds of thousands of these, and tuples are the cheapest
    immutable records to build and keep.
    """

    board: str
    serial: int  # creation order within the board; numeric ids grow with it
    external_id: str
    job_key: str  # shared by a job's original posting and its reposts
    repost_index: int  # 0 for the original
    title: str
    base: BaseTitle
    company: str
    location: Location
    commitment: str
    workplace: str  # "OnSite" | "Hybrid" | "Remote"
    first_ordinal: int
    last_ordinal: int | None  # None: evergreen, never closes
    published_ordinal: int  # the board's own original stamp (before the epoch for burn-in postings)
    restamp_days: int | None  # fake freshness: the board moves its date forward this often
    listed: bool

    @property
    def first_day(self) -> date:
        return date.fromordinal(self.first_ordinal)

    @property
    def last_day(self) -> date | None:
        return None if self.last_ordinal is None else date.fromordinal(self.last_ordinal)

    @property
    def evergreen(self) -> bool:
        return self.last_ordinal is None

    @property
    def base_title(self) -> str:
        return self.base.text

    @property
    def department(self) -> str:
        return self.base.department

    @property
    def team(self) -> str:
        return self.base.team

    def board_date_on(self, day: date) -> date:
        """The date the board itself shows on `day`: re-stamped to look recent on stale boards."""
        if self.restamp_days is None:
            return date.fromordinal(self.published_ordinal)
        age = day.toordinal() - self.published_ordinal
        return date.fromordinal(self.published_ordinal + age - age % self.restamp_days)

    def stale_on(self, day: date) -> bool:
        """The truth behind a stale posting on `day`: no vacancy behind it (an evergreen), or a
        board date moved forward to look new (re-stamped)."""
        return self.evergreen or self.board_date_on(day).toordinal() > self.published_ordinal
