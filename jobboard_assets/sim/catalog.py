"""The deterministic board catalog: which boards exist for a seed, who posts on them, how they behave.

Every board gets a kind (the wire format it speaks), a category and industry, its employers
(one for an ATS board, many for an aggregator) and a behaviour profile that drives lifespans,
evergreen share, fake freshness, volume and reposting. Same seed and N, same catalog.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from jobboard_assets.sim import vocab

T = TypeVar("T")


@dataclass(frozen=True)
class Location:
    """Where a job is: a city, or a remote region (remote jobs for different regions are different jobs)."""

    name: str
    city: str | None
    region: str | None
    country_code: str
    country: str
    remote: bool


@dataclass(frozen=True)
class Company:
    """An employer and its house style for job titles (reposts change the style, never the base title)."""

    name: str
    industry: str
    locations: tuple[Location, ...]
    location_cum_weights: tuple[float, ...]  # the first location (headquarters) weighs double
    family_cum_weights: tuple[float, ...]  # over vocab.ROLE_FAMILIES
    gender_marker: str | None
    requisition_style: str | None  # a format with one {} for the number, e.g. "R-{}"
    location_clause_rate: float
    abbreviates_senior: bool


@dataclass(frozen=True)
class Profile:
    """How a kind of board behaves; each board draws its own numbers from these ranges."""

    name: str
    median_days: tuple[float, float]
    sigma: float  # lognormal spread of lifespans: larger means a longer tail
    cap_days: int  # no closing posting lives longer; also the burn-in before the epoch
    evergreen_share: tuple[float, float]  # share of the standing stock that never closes
    restamp_days: tuple[int, int] | None  # fake freshness: the board re-stamps its date this often
    target_active: tuple[int, int]  # steady-state active postings


PROFILES: dict[str, Profile] = {
    "fast": Profile("fast", (4.0, 10.0), 0.55, 60, (0.0, 0.02), None, (60, 180)),
    "normal": Profile("normal", (15.0, 40.0), 0.7, 240, (0.02, 0.06), None, (150, 450)),
    "stale": Profile("stale", (30.0, 60.0), 1.0, 540, (0.2, 0.5), (3, 10), (250, 750)),
}
PROFILE_ORDER: tuple[str, ...] = ("fast", "normal", "stale")
MAX_BOARDS = 5000
"""Enough for the breadth benchmark (1,000 boards); past the word lists, names get a suffix."""


@dataclass(frozen=True)
class BoardSpec:
    """One simulated board: identity, employers and the numbers its posting history is drawn from."""

    slug: str
    name: str
    kind: str
    category: str
    industry: str
    profile: str
    companies: tuple[Company, ...]
    company_cum_weights: tuple[float, ...]  # a few employers post most jobs (Zipf)
    median_days: float
    sigma: float
    cap_days: int
    evergreen_share: float
    restamp_days: int | None
    target_active: int
    repost_rate: float  # share of jobs that get taken down and posted again
    multi_location_rate: float  # share of openings posted in 2-4 cities at once
    unlisted_rate: float  # Ashby's isListed=false postings: served but not part of the board
    id_base: int  # numeric ids of this board start here

    @property
    def mean_days_served(self) -> float:
        """Expected days a closing posting is listed (lifespan + the first day), for arrival rates."""
        return self.median_days * math.exp(self.sigma**2 / 2) + 0.5


def pick(rng: random.Random, items: Sequence[T], cum_weights: Sequence[float]) -> T:
    """One item drawn by cumulative weights (what `random.choices` does, without its per-call setup)."""
    return items[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]


def slugify(text: str) -> str:
    """A registry slug: lower-case ASCII words joined by hyphens."""
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def build_catalog(
    seed: int, n_boards: int, kinds: tuple[str, ...] = vocab.KINDS
) -> tuple[BoardSpec, ...]:
    """The boards of a market: `kinds` cycle so every kind is present (>= 3 each from N = 21
    with the default kinds)."""
    if not 1 <= n_boards <= MAX_BOARDS:
        raise ValueError(f"a market has 1 to {MAX_BOARDS} boards")
    rng = random.Random(f"catalog:{seed}")
    company_names = _company_names(rng)
    board_names = _aggregator_names(rng)
    industries = _spread(rng, vocab.INDUSTRIES, n_boards)
    boards: list[BoardSpec] = []
    for index in range(n_boards):
        kind = kinds[index % len(kinds)]
        profile = PROFILES[PROFILE_ORDER[index % len(PROFILE_ORDER)]]
        industry = industries[index]
        companies: tuple[Company, ...]
        if kind in vocab.SINGLE_EMPLOYER_KINDS:
            company = _company(
                rng,
                next(company_names[industry]),
                industry,
                remote_only=False,
                n_locations=rng.randint(3, 10),
            )
            # Named after the employer: parsers of one-employer kinds take the board name as the company.
            name, slug, companies, category = (
                company.name,
                slugify(company.name),
                (company,),
                _ats_category(industry),
            )
        else:
            category = rng.choice(vocab.AGGREGATOR_CATEGORIES[kind])
            name = next(board_names)
            slug = slugify(name)
            companies = tuple(
                _company(
                    rng,
                    next(company_names[industry]),
                    industry,
                    remote_only=category == "remote",
                    n_locations=rng.randint(1, 4),
                )
                for _ in range(rng.randint(15, 40))
            )
        boards.append(
            _board(rng, slug, name, kind, category, industry, profile, companies, kind == "ashby")
        )
    return tuple(boards)


def _board(
    rng: random.Random,
    slug: str,
    name: str,
    kind: str,
    category: str,
    industry: str,
    profile: Profile,
    companies: tuple[Company, ...],
    has_unlisted: bool,
) -> BoardSpec:
    restamp = rng.randint(*profile.restamp_days) if profile.restamp_days else None
    return BoardSpec(
        slug=slug,
        name=name,
        kind=kind,
        category=category,
        industry=industry,
        profile=profile.name,
        companies=companies,
        company_cum_weights=tuple(
            itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(companies)))
        ),
        median_days=rng.uniform(*profile.median_days),
        sigma=profile.sigma,
        cap_days=profile.cap_days,
        evergreen_share=rng.uniform(*profile.evergreen_share),
        restamp_days=restamp,
        target_active=rng.randint(*profile.target_active),
        repost_rate=rng.uniform(0.0, 0.4),
        multi_location_rate=rng.uniform(0.0, 0.08),
        unlisted_rate=0.04 if has_unlisted else 0.0,
        id_base=rng.randrange(10**6, 9 * 10**6) * 1000,
    )


def _company(
    rng: random.Random, name: str, industry: str, remote_only: bool, n_locations: int
) -> Company:
    remote = [
        Location(region, None, None, code, country, True)
        for region, code, country in vocab.REMOTE_REGIONS
    ]
    if remote_only:
        locations = rng.sample(remote, min(n_locations, len(remote)))
    else:
        cities = [
            Location(f"{c.name}, {c.country}", c.name, c.region, c.country_code, c.country, False)
            for c in vocab.CITIES
        ]
        n_remote = 1 if n_locations > 2 and rng.random() < 0.5 else 0
        locations = rng.sample(cities, n_locations - n_remote) + rng.sample(remote, n_remote)
    family_weights = vocab.INDUSTRY_FAMILY_WEIGHTS[industry]
    german_speaking = any(loc.country_code in {"DE", "AT", "CH"} for loc in locations)
    return Company(
        name=name,
        industry=industry,
        locations=tuple(locations),
        location_cum_weights=tuple(
            itertools.accumulate(2.0 if i == 0 else 1.0 for i in range(len(locations)))
        ),
        family_cum_weights=tuple(
            itertools.accumulate(family_weights.get(f.name, 1.0) for f in vocab.ROLE_FAMILIES)
        ),
        gender_marker=rng.choice(vocab.GENDER_MARKERS)
        if german_speaking and rng.random() < 0.6
        else None,
        requisition_style=rng.choice((None, None, "R-{}", "(Job ID {})")),
        location_clause_rate=rng.choice((0.0, 0.0, 0.3, 0.8)),
        abbreviates_senior=rng.random() < 0.2,
    )


def _ats_category(industry: str) -> str:
    return "tech" if industry == "software" else "general"


def _spread(rng: random.Random, values: tuple[str, ...], count: int) -> list[str]:
    """`count` values covering every value as evenly as possible, in a seeded order."""
    repeated = list(itertools.islice(itertools.cycle(values), count))
    rng.shuffle(repeated)
    return repeated


def _company_names(rng: random.Random) -> dict[str, Iterator[str]]:
    """Unique employer names per industry in a seeded order, so no two boards share an employer."""
    pools: dict[str, Iterator[str]] = {}
    for industry, words in vocab.COMPANY_WORDS.items():
        names = [f"{first} {word}" for first in vocab.COMPANY_FIRST for word in words]
        if industry == "software":
            names += [
                f"{first}{suffix}"
                for first in vocab.COMPANY_FIRST
                for suffix in vocab.COMPANY_SUFFIX
            ]
        rng.shuffle(names)
        pools[industry] = _endless(names)
    return pools


def _aggregator_names(rng: random.Random) -> Iterator[str]:
    names = [f"{prefix} {noun}" for prefix in vocab.BOARD_PREFIX for noun in vocab.BOARD_NOUN]
    rng.shuffle(names)
    return _endless(names)


def _endless(names: list[str]) -> Iterator[str]:
    """The names in order, then again with a numeral ("Delta Clinic II", ...): large markets
    (the breadth benchmark) never run out, and small ones are exactly as before."""
    yield from names
    for round_ in itertools.count(2):
        numeral = _roman(round_)
        yield from (f"{name} {numeral}" for name in names)


def _roman(number: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    text = ""
    for value, letters in numerals:
        count, number = divmod(number, value)
        text += letters * count
    return text
