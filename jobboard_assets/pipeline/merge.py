"""Phase 1 as a pure function: what one day's listing of a board changes in its history.

`plan_merge` compares the scraped records with the stored state of the same board and returns a
plan; the warehouse applies it in one transaction. Keeping the decision pure makes the rules
(idempotent re-runs, reappearances, the zero-postings trap) testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jobboard_assets.sources.records import PostingRecord


@dataclass(frozen=True)
class StoredPosting:
    """The part of a stored posting that merging needs."""

    id: int
    external_id: str
    is_active: bool
    first_seen: date
    last_seen: date
    disappeared_at: date | None
    content_hash: str | None


@dataclass(frozen=True)
class PostingUpdate:
    """New values for a stored posting that was listed again."""

    id: int
    record: PostingRecord
    first_seen: date
    last_seen: date
    reappeared: bool


@dataclass
class MergePlan:
    day: date
    scraped: int
    active_before: int
    inserts: list[PostingRecord] = field(default_factory=list)
    updates: list[PostingUpdate] = field(default_factory=list)
    touches: list[int] = field(default_factory=list)
    """Listed again, unchanged: only last_seen moves to the day (the common case, done in bulk)."""
    closes: list[int] = field(default_factory=list)

    @property
    def reappeared(self) -> int:
        return sum(1 for update in self.updates if update.reappeared)


@dataclass(frozen=True)
class SuspectRule:
    """When a scrape is too small to be believed (see docs/pipeline.md, "the zero-postings trap").

    A board that suddenly lists nothing, far fewer postings than it had active, or none of the
    ids we know is far more often broken (redesign, block page, wrong slug, SmartRecruiters' empty
    200) than emptied overnight; closing its postings would corrupt every lifespan.
    """

    min_ratio: float = 0.5
    """Suspect when fewer than this share of the active postings is listed."""
    min_active: int = 10
    """Ratio and overlap rules apply only to boards with at least this many active postings."""


class SuspectScrapeError(Exception):
    """A scrape too small to be believed: nothing is applied and the board-day fails."""


def plan_merge(
    stored: list[StoredPosting], records: list[PostingRecord], day: date, rule: SuspectRule
) -> MergePlan:
    """Plan the merge of one board-day listing; raises SuspectScrapeError instead of closing.

    Rules: a new id is inserted (first_seen = last_seen = day); a listed id moves last_seen
    forward and first_seen back (a late backfill of an earlier day); an inactive id listed again
    on or after its disappearance reappears; an active id not listed is closed only when this day
    is newer than its last sighting, so re-running an old day never closes anything. Applying the
    same plan twice changes nothing the second time.
    """
    by_external_id = {posting.external_id: posting for posting in stored}
    active_before = sum(1 for posting in stored if posting.is_active)
    _check_suspect(stored, records, active_before, rule)

    plan = MergePlan(day=day, scraped=len(records), active_before=active_before)
    listed: set[str] = set()
    for record in records:
        listed.add(record.external_id)
        posting = by_external_id.get(record.external_id)
        if posting is None:
            plan.inserts.append(record)
            continue
        reappeared = (
            not posting.is_active
            and posting.disappeared_at is not None
            and day >= posting.disappeared_at
        )
        update = PostingUpdate(
            id=posting.id,
            record=record,
            first_seen=min(posting.first_seen, day),
            last_seen=max(posting.last_seen, day),
            reappeared=reappeared,
        )
        if (
            reappeared
            or update.first_seen != posting.first_seen
            or (record.content_hash != posting.content_hash and day >= posting.last_seen)
        ):
            plan.updates.append(update)
        elif posting.last_seen < day:
            plan.touches.append(posting.id)
    plan.closes = [
        posting.id
        for posting in stored
        if posting.is_active and posting.external_id not in listed and posting.last_seen < day
    ]
    return plan


def _check_suspect(
    stored: list[StoredPosting], records: list[PostingRecord], active_before: int, rule: SuspectRule
) -> None:
    if active_before == 0:
        return
    listed = len(records)
    if listed == 0:
        raise SuspectScrapeError(
            f"the board listed 0 postings but {active_before} are active: treated as a broken "
            "scrape, nothing was closed"
        )
    if active_before < rule.min_active:
        return
    if listed < rule.min_ratio * active_before:
        raise SuspectScrapeError(
            f"the board listed {listed} postings but {active_before} are active (below "
            f"{rule.min_ratio:.0%}): treated as a broken scrape, nothing was closed"
        )
    active_ids = {posting.external_id for posting in stored if posting.is_active}
    if not active_ids & {record.external_id for record in records}:
        raise SuspectScrapeError(
            f"none of the {active_before} active posting ids is listed any more (did the board "
            "change its ids or its address?): treated as a broken scrape, nothing was closed"
        )
