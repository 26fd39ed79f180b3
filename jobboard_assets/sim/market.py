"""The simulated job market: deterministic posting histories for every board of a catalog.

Each board's history is one sequential simulation, day by day from a burn-in before the epoch,
driven by a `random.Random` seeded with (seed, board): employers open jobs (some in several
cities at once), each posting is listed from its first to its last day (or forever, for
evergreens), and some jobs are taken down and posted again under a new id with a restyled
title. Histories are generated lazily per board and only ever extended, so what a board serves
on a day depends only on (seed, n_boards, epoch, day), never on which days were asked for first.

Before the epoch every board is empty. Postings still open at the epoch from the burn-in are
served from the epoch on (their first day is the epoch) but keep their older board date: the
board starts in a steady state, and a pipeline sees left-censored postings as it would on day one.
A board may have a `BoardTrend` instead: launched on a day (no jobs before it, so it fills up
from nothing) or winding down from one (no new jobs, so it empties as its postings close).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from jobboard_assets.sim import formats, vocab
from jobboard_assets.sim.catalog import (
    BoardSpec,
    Company,
    Location,
    build_catalog,
    pick,
)
from jobboard_assets.sim.served_posting import Posting
from jobboard_assets.sim.titles import (
    BaseTitle,
    TitleStyle,
    draw_base_title,
    house_style,
    render_title,
    vary_style,
)
from jobboard_assets.sim.truth import build_truth
from jobboard_assets.sources.records import BoardConfig

DEFAULT_EPOCH = date(2025, 6, 1)
# A base title is not reused by another job of the same employer and place until this many days
# after the last day of the job's last posting, so reposts are the only look-alikes.
TITLE_QUARANTINE_DAYS = 181
REPOST_GAP_DAYS = (1, 30)  # first day of a repost minus the last day of the posting it replaces
WHILE_UP_REPOST_SHARE = 0.15  # reposts that appear while the previous posting is still listed
EVERGREEN_REPOST_WINDOW_DAYS = 90
MEAN_EXTRA_REPOSTS = 0.6  # a reposted job is reposted 1 + Binomial(2, 0.3) times
NEW_EVERGREENS_PER_YEAR = 0.02  # after the epoch, as a share of the board's target stock
TITLE_ATTEMPTS = 40
WEEKDAY_FACTORS = (1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5)  # Monday first; averages 1
_COMMITMENTS = tuple(name for name, _ in vocab.COMMITMENTS)
_COMMITMENT_CUM_WEIGHTS = tuple(itertools.accumulate(weight for _, weight in vocab.COMMITMENTS))
_UUID_NAMESPACE = uuid.UUID("4f0c4d8e-3c2b-5a7e-9a51-6a1d2f3b7c90")


class BoardTrend(NamedTuple):
    """When a board takes new jobs: from `launched` (it grows from empty over its lifespans)
    until the day before `winding_down` (it shrinks to its evergreens); None: always."""

    launched: date | None = None
    winding_down: date | None = None

    def takes_jobs(self, ordinal: int) -> bool:
        return (self.launched is None or ordinal >= self.launched.toordinal()) and (
            self.winding_down is None or ordinal < self.winding_down.toordinal()
        )


STEADY = BoardTrend()


class _Planned(NamedTuple):
    """A posting decided but not yet listed: ids are handed out in the order postings appear."""

    published_ordinal: int
    first_ordinal: int
    last_ordinal: int | None
    job_key: str
    repost_index: int
    base: BaseTitle
    style: TitleStyle
    company: Company
    location: Location
    commitment: str
    workplace: str
    listed: bool


class _BoardHistory:
    """One board's postings, simulated day by day and only ever extended."""

    def __init__(
        self, board: BoardSpec, seed: int, epoch: date, trend: BoardTrend = STEADY
    ) -> None:
        self.board = board
        self.trend = trend
        self.seed = seed
        self.epoch_ordinal = epoch.toordinal()
        self.rng = random.Random(f"history:{seed}:{board.slug}")
        self.lock = threading.Lock()
        self.next_ordinal = (
            self.epoch_ordinal - board.cap_days
        )  # burn-in: steady state at the epoch
        # index: first_ordinal - epoch_ordinal; the epoch's bucket also holds the burn-in survivors
        self.by_first_day: list[list[Posting]] = [[]]
        self.evergreens: list[Posting] = []
        self.pending: list[
            tuple[int, int, _Planned]
        ] = []  # reposts to come: heap on (published_ordinal, sequence)
        self.sequence = 0
        self.jobs = 0
        self.serials = 0
        # (employer, place) -> base title key -> last day it is held (None: forever)
        self.reserved: defaultdict[tuple[str, str], dict[frozenset[str], int | None]] = defaultdict(
            dict
        )
        self.mu = math.log(board.median_days)
        target = board.target_active
        churning = (1 - board.evergreen_share) * target / board.mean_days_served
        per_opening = (1 + 2 * board.multi_location_rate) * (
            1 + board.repost_rate * (1 + MEAN_EXTRA_REPOSTS)
        )
        self.openings_per_day = churning / per_opening
        self.evergreens_per_day_burn_in = board.evergreen_share * target / board.cap_days
        self.evergreens_per_day = NEW_EVERGREENS_PER_YEAR * target / 365

    def extend_to(self, ordinal: int) -> None:
        while self.next_ordinal <= ordinal:
            self._simulate_day(self.next_ordinal)
            self.next_ordinal += 1

    def active_on(self, ordinal: int) -> list[Posting]:
        index = ordinal - self.epoch_ordinal
        if index < 0:
            return []
        self.extend_to(ordinal)
        buckets = self.by_first_day[max(0, index - self.board.cap_days) : index + 1]
        closing = [
            p
            for bucket in buckets
            for p in bucket
            if p.last_ordinal is not None and p.last_ordinal >= ordinal
        ]
        evergreen = [p for p in self.evergreens if p.first_ordinal <= ordinal]
        return sorted(closing + evergreen, key=lambda posting: posting.serial)

    def served_between(self, start: int, end: int) -> list[Posting]:
        """Postings listed on at least one day of [start, end]."""
        self.extend_to(end)
        first_index = max(0, start - self.epoch_ordinal - self.board.cap_days)
        buckets = self.by_first_day[first_index : max(0, end - self.epoch_ordinal + 1)]
        closing = [
            p
            for bucket in buckets
            for p in bucket
            if p.last_ordinal is not None and p.last_ordinal >= start
        ]
        evergreen = [p for p in self.evergreens if p.first_ordinal <= end]
        return sorted(closing + evergreen, key=lambda posting: posting.serial)

    def _simulate_day(self, ordinal: int) -> None:
        burn_in = ordinal < self.epoch_ordinal
        if ordinal > self.epoch_ordinal:
            self.by_first_day.append([])
        evergreen_rate = self.evergreens_per_day_burn_in if burn_in else self.evergreens_per_day
        rate = self.openings_per_day + evergreen_rate
        weekday_factor = WEEKDAY_FACTORS[date.fromordinal(ordinal).weekday()]
        openings = (
            _poisson(self.rng, rate * weekday_factor) if self.trend.takes_jobs(ordinal) else 0
        )
        for _ in range(openings):
            self._open_job(ordinal, evergreen=self.rng.random() * rate < evergreen_rate)
        while self.pending and self.pending[0][0] <= ordinal:
            self._list(heapq.heappop(self.pending)[2])

    def _open_job(self, ordinal: int, evergreen: bool) -> None:
        """An employer opens a job, in one place or in 2-4 at once; each place is a job of its own."""
        rng, board = self.rng, self.board
        company = pick(rng, board.companies, board.company_cum_weights)
        if rng.random() < board.multi_location_rate and len(company.locations) > 1:
            locations = rng.sample(
                company.locations, min(rng.randint(2, 4), len(company.locations))
            )
        else:
            locations = [pick(rng, company.locations, company.location_cum_weights)]
        base = self._free_title(company, locations, ordinal)
        if base is None:
            return
        listed = rng.random() >= board.unlisted_rate
        commitment = pick(rng, _COMMITMENTS, _COMMITMENT_CUM_WEIGHTS)
        for location in locations:
            workplace = (
                "Remote" if location.remote else ("Hybrid" if rng.random() < 0.25 else "OnSite")
            )
            self.jobs += 1
            original = _Planned(
                ordinal,
                max(ordinal, self.epoch_ordinal),
                None if evergreen else ordinal + self._lifespan(),
                f"{board.slug}/{self.jobs}",
                0,
                base,
                house_style(rng, company),
                company,
                location,
                commitment,
                workplace,
                listed,
            )
            chain = [original]
            if listed and rng.random() < board.repost_rate:
                chain += self._reposts(original)
            self.reserved[(company.name, location.name)][base.key] = _quarantine_end(chain)
            for planned in self._served(chain):
                if planned.published_ordinal == ordinal:
                    self._list(planned)
                else:
                    self.sequence += 1
                    heapq.heappush(
                        self.pending, (planned.published_ordinal, self.sequence, planned)
                    )

    def _served(self, chain: list[_Planned]) -> list[_Planned]:
        """The chain's postings the board will serve.

        From the epoch on, all of them. Of those published by the epoch and still open on it, only
        the newest: the others would also be first served on the epoch, and a repost first seen
        in the same crawl as its original is indistinguishable from a parallel opening.
        """
        if chain[0].published_ordinal > self.epoch_ordinal:
            return chain
        open_at_epoch = [
            planned
            for planned in chain
            if planned.published_ordinal <= self.epoch_ordinal
            and (planned.last_ordinal is None or planned.last_ordinal >= self.epoch_ordinal)
        ]
        later = [planned for planned in chain if planned.published_ordinal > self.epoch_ordinal]
        return open_at_epoch[-1:] + later

    def _reposts(self, original: _Planned) -> list[_Planned]:
        """The job taken down and posted again: later first day, new id, restyled title."""
        rng = self.rng
        chain: list[_Planned] = []
        previous = original
        for index in range(1, 2 + (rng.random() < 0.3) + (rng.random() < 0.3)):
            last = previous.last_ordinal  # None: evergreen, reposted within its window
            listed_for = (
                EVERGREEN_REPOST_WINDOW_DAYS if last is None else last - previous.published_ordinal
            )
            if last is None or (listed_for >= 1 and rng.random() < WHILE_UP_REPOST_SHARE):
                first = previous.published_ordinal + rng.randint(1, listed_for)
            else:
                first = last + rng.randint(*REPOST_GAP_DAYS)
            previous = previous._replace(
                published_ordinal=first,
                first_ordinal=max(first, self.epoch_ordinal),
                last_ordinal=first + self._lifespan(),
                repost_index=index,
                style=vary_style(rng, previous.style, previous.base.text, previous.location),
            )
            chain.append(previous)
        return chain

    def _free_title(
        self, company: Company, locations: list[Location], ordinal: int
    ) -> BaseTitle | None:
        """A base title no other job of this employer holds in any of these places (None: give up)."""
        held = [self.reserved[(company.name, location.name)] for location in locations]
        for _ in range(TITLE_ATTEMPTS):
            base = draw_base_title(self.rng, company)
            if all(_is_free(reservations, base.key, ordinal) for reservations in held):
                return base
        return None

    def _lifespan(self) -> int:
        return min(self.board.cap_days, round(math.exp(self.rng.gauss(self.mu, self.board.sigma))))

    def _list(self, planned: _Planned) -> None:
        self.serials += 1
        posting = Posting(  # positional: the fastest way to build a named tuple
            self.board.slug,
            self.serials,
            external_id(self.board, self.seed, self.serials),
            planned.job_key,
            planned.repost_index,
            render_title(planned.base.text, planned.location, planned.style),
            planned.base,
            planned.company.name,
            planned.location,
            planned.commitment,
            planned.workplace,
            planned.first_ordinal,
            planned.last_ordinal,
            planned.published_ordinal,
            self.board.restamp_days,
            planned.listed,
        )
        if posting.evergreen:
            self.evergreens.append(posting)
        else:
            self.by_first_day[posting.first_ordinal - self.epoch_ordinal].append(posting)


def _quarantine_end(chain: list[_Planned]) -> int | None:
    """Until when a job's base title stays taken: past its last posting's last day (None: forever)."""
    last = chain[0].published_ordinal
    for planned in chain:
        if planned.last_ordinal is None:
            return None
        last = max(last, planned.last_ordinal)
    return last + TITLE_QUARANTINE_DAYS


def _is_free(
    reservations: dict[frozenset[str], int | None], key: frozenset[str], ordinal: int
) -> bool:
    if key not in reservations:
        return True
    until = reservations[key]
    return until is not None and until < ordinal


def external_id(board: BoardSpec, seed: int, serial: int) -> str:
    """The posting id in the board kind's own style (stable: a function of seed, board and serial)."""
    if board.kind in ("lever", "ashby"):
        return str(uuid.uuid5(_UUID_NAMESPACE, f"{seed}/{board.slug}/{serial}"))
    if board.kind == "workable":
        return hashlib.sha1(f"{seed}/{board.slug}/{serial}".encode()).hexdigest()[:10].upper()
    if board.kind == "smartrecruiters":
        return str(board.id_base * 100_000 + serial)
    if board.kind in ("rss", "html"):
        # The item's link: absolute on the board's own (never fetched) host, so the id does not
        # depend on where the simulator listens.
        return f"https://{board.slug}.example/jobs/{board.id_base // 1000 + serial}"
    return str(board.id_base + serial)  # greenhouse


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: exact and fast enough for the tens of openings a board gets per day."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class SimulatedMarket:
    """N boards with deterministic posting histories; thread-safe, generated lazily per board."""

    def __init__(
        self,
        seed: int = 42,
        n_boards: int = 33,
        epoch: date = DEFAULT_EPOCH,
        kinds: tuple[str, ...] | None = None,
        trends: Mapping[str, BoardTrend] | None = None,
    ) -> None:
        """`kinds`: the board kinds to cycle through (default `vocab.KINDS`; `vocab.ALL_KINDS`
        adds Workday and Personio boards). `trends`: boards (by slug) that grow from their
        launch or shrink as they wind down; every other board is in a steady state."""
        self.seed = seed
        self.n_boards = n_boards
        self.epoch = epoch
        self.trends = dict(trends or {})
        self.boards: tuple[BoardSpec, ...] = (
            build_catalog(seed, n_boards, kinds) if kinds else build_catalog(seed, n_boards)
        )
        self._boards_by_slug = {board.slug: board for board in self.boards}
        self._histories: dict[str, _BoardHistory] = {}
        self._histories_lock = threading.Lock()
        self._active = lru_cache(maxsize=4096)(self._compute_active)

    def board(self, slug: str) -> BoardSpec | None:
        return self._boards_by_slug.get(slug)

    def postings_on(
        self, slug: str, day: date, include_unlisted: bool = False
    ) -> tuple[Posting, ...]:
        """What the board serves on `day` (first_day <= day <= last_day), oldest first.

        Unlisted postings (Ashby's isListed=false) appear in the board's payload but are not
        part of the board, so they are left out unless asked for.
        """
        active = self._active(slug, day.toordinal())
        return active if include_unlisted else tuple(p for p in active if p.listed)

    def postings_between(self, slug: str, start: date, end: date) -> list[Posting]:
        """Every listed posting served on at least one day of [start, end], oldest first."""
        history = self._history(slug)
        with history.lock:
            served = history.served_between(start.toordinal(), end.toordinal())
        return [p for p in served if p.listed]

    def truth(self, start: date, end: date) -> dict[str, object]:
        """The ground truth for [start, end]; see `jobboard_assets.sim.truth`."""
        return build_truth(self, start, end)

    def board_configs(self, base_url: str) -> list[BoardConfig]:
        """The registry entries that point the pipeline at this market served at `base_url`."""
        return [
            BoardConfig(
                slug=board.slug,
                name=board.name,
                kind=board.kind,
                url=formats.board_url(base_url, board),
                enabled=True,
                category=board.category,
                industry=board.industry,
                options=formats.board_options(board),
            )
            for board in self.boards
        ]

    def _compute_active(self, slug: str, ordinal: int) -> tuple[Posting, ...]:
        history = self._history(slug)
        with history.lock:
            return tuple(history.active_on(ordinal))

    def _history(self, slug: str) -> _BoardHistory:
        with self._histories_lock:
            history = self._histories.get(slug)
            if history is None:
                board = self._boards_by_slug.get(slug)
                if board is None:
                    raise KeyError(f"no simulated board {slug!r}")
                history = self._histories[slug] = _BoardHistory(
                    board, self.seed, self.epoch, self.trends.get(slug, STEADY)
                )
            return history
