"""The same job on two boards: employers whose ATS postings a feed lists too, with the truth.

`CrossPostingMarket` is the simulated market where each feed board (the RSS and HTML
aggregators) also lists a `share` of one ATS board's jobs (its partner: feeds and ATS boards
paired in catalog order). A copy is the ATS posting under the feed's own id: same employer,
title and place, picked up 0-2 days after it appears (never after it closes) and taken down
0-2 days after it, with the feed's own dating. Which postings are copied is a function of
(seed, feed, job, repost), so every day of the market stays reproducible from any server.

The truth: a copy keeps its original's `job_key` and `repost_index`, so two postings on
different boards with the same pair are listings of one job (`cross_posted_pairs`).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from jobboard_assets.sim.catalog import BoardSpec
from jobboard_assets.sim.market import DEFAULT_EPOCH, SimulatedMarket, external_id
from jobboard_assets.sim.served_posting import Posting

FEED_KINDS = frozenset({"rss", "html"})
COPY_SERIAL_BASE = 5_000_000
"""Copies' serials start here, so their ids never meet the feed's own postings'."""
MAX_LAG_DAYS = 2


def _draw(*parts: object) -> float:
    """A stable uniform draw in [0, 1) from its inputs."""
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class CrossPostingMarket(SimulatedMarket):
    """The simulated market with a share of every partner ATS board's jobs on a feed too."""

    def __init__(
        self,
        seed: int = 42,
        n_boards: int = 33,
        epoch: date = DEFAULT_EPOCH,
        share: float = 0.2,
    ) -> None:
        super().__init__(seed, n_boards, epoch)
        self.share = share
        feeds = [board for board in self.boards if board.kind in FEED_KINDS]
        sources = [board for board in self.boards if board.kind not in FEED_KINDS]
        self.partners = {feed.slug: sources[i % len(sources)] for i, feed in enumerate(feeds)}

    def _copy(self, feed: BoardSpec, original: Posting) -> Posting | None:
        """The feed's listing of `original`, or None when the employer did not post it there."""
        if _draw(self.seed, feed.slug, original.job_key, original.repost_index) >= self.share:
            return None
        life = (
            None
            if original.last_ordinal is None
            else original.last_ordinal - original.first_ordinal
        )
        lag = int(_draw("lag", self.seed, feed.slug, original.external_id) * (MAX_LAG_DAYS + 1))
        lag = lag if life is None else min(lag, life)
        tail = int(_draw("tail", self.seed, feed.slug, original.external_id) * (MAX_LAG_DAYS + 1))
        serial = COPY_SERIAL_BASE + original.serial
        return original._replace(
            board=feed.slug,
            serial=serial,
            external_id=external_id(feed, self.seed, serial),
            first_ordinal=original.first_ordinal + lag,
            last_ordinal=None if original.last_ordinal is None else original.last_ordinal + tail,
            published_ordinal=original.published_ordinal + lag,
            restamp_days=feed.restamp_days,
            listed=True,
        )

    def _copies_between(self, slug: str, start: date, end: date) -> list[Posting]:
        """The feed's copies served on some day of [start, end] (none for an ATS board)."""
        partner = self.partners.get(slug)
        if partner is None:
            return []
        feed = self._boards_by_slug[slug]
        reach = start - timedelta(days=MAX_LAG_DAYS)
        copies = (
            self._copy(feed, original)
            for original in super().postings_between(partner.slug, reach, end)
        )
        return [
            copy
            for copy in copies
            if copy is not None
            and copy.first_day <= end
            and (copy.last_day is None or copy.last_day >= start)
        ]

    def postings_on(
        self, slug: str, day: date, include_unlisted: bool = False
    ) -> tuple[Posting, ...]:
        return (
            *super().postings_on(slug, day, include_unlisted),
            *self._copies_between(slug, day, day),
        )

    def postings_between(self, slug: str, start: date, end: date) -> list[Posting]:
        return [
            *super().postings_between(slug, start, end),
            *self._copies_between(slug, start, end),
        ]


def cross_posted_pairs(postings: list[tuple[str, Posting]]) -> set[frozenset[tuple[str, str]]]:
    """Every pair of (board, external_id) on two boards that list one job, from the truth."""
    by_job: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for board, posting in postings:
        by_job.setdefault((posting.job_key, posting.repost_index), []).append(
            (board, posting.external_id)
        )
    return {
        frozenset((a, b))
        for listed in by_job.values()
        for i, a in enumerate(listed)
        for b in listed[i + 1 :]
        if a[0] != b[0]
    }
