"""Job titles: a base title per job, and the cosmetic style a posting renders it in.

A repost keeps its job's base title and changes only the style, and every style change is one a
title normalizer removes: case, trailing punctuation, "Senior" <-> "Sr.", a gender marker, a
requisition code, a trailing location clause. Rendered grammar (docs/simulator.md):

    ["Sr. " | "Senior "]rest [" " gender-marker] [" " requisition] [" - City" | " (Remote)" | punctuation]

then the whole string in its original case, lower case or upper case.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import NamedTuple

from jobboard_assets.sim import vocab
from jobboard_assets.sim.catalog import Company, Location, pick

SENIOR = "Senior "
SENIOR_ABBREVIATED = "Sr. "
REQUISITION_STYLES: tuple[str, ...] = ("R-{}", "(Job ID {})")


@dataclass(frozen=True)
class BaseTitle:
    """A job's title before styling; `key` (its word set) is what must be unique per employer and place."""

    text: str
    family: str
    department: str
    team: str
    key: frozenset[str]


class TitleStyle(NamedTuple):
    case: str = "as_is"  # "as_is" | "lower" | "upper"
    abbreviate_senior: bool = False
    gender_marker: str | None = None
    requisition: str | None = None  # a rendered code, e.g. "R-4821"
    location_clause: bool = False
    punctuation: str | None = None


def draw_base_title(rng: random.Random, company: Company) -> BaseTitle:
    """A "[level] [specialty] role" title from a family weighted by the employer's industry."""
    titles = _FAMILY_TITLES[pick(rng, _FAMILY_INDEXES, company.family_cum_weights)]
    return titles[int(rng.random() * len(titles))]


def _family_titles(family: vocab.RoleFamily) -> tuple[BaseTitle, ...]:
    """Every distinct title of a family, built once: the market draws hundreds of thousands."""
    titles: dict[frozenset[str], BaseTitle] = {}
    for level, specialty, role in itertools.product(
        family.levels, family.specialties, family.roles
    ):
        text = " ".join(
            word for word in ("" if level in role.split() else level, specialty, role) if word
        )
        key = frozenset(text.lower().split())
        titles.setdefault(
            key,
            BaseTitle(text, family.name, family.department, specialty or family.department, key),
        )
    return tuple(titles.values())


_FAMILY_TITLES: tuple[tuple[BaseTitle, ...], ...] = tuple(
    _family_titles(family) for family in vocab.ROLE_FAMILIES
)
_FAMILY_INDEXES: tuple[int, ...] = tuple(range(len(vocab.ROLE_FAMILIES)))


def house_style(rng: random.Random, company: Company) -> TitleStyle:
    """How the employer usually writes its titles."""
    return TitleStyle(
        abbreviate_senior=company.abbreviates_senior,
        gender_marker=company.gender_marker,
        requisition=_requisition(rng, company.requisition_style)
        if company.requisition_style
        else None,
        location_clause=rng.random() < company.location_clause_rate,
    )


def vary_style(rng: random.Random, style: TitleStyle, base: str, location: Location) -> TitleStyle:
    """A repost's style: one or two normalizable changes that make the rendered title differ."""
    aspects = ["case", "gender", "requisition", "ending"]
    if base.startswith(SENIOR):
        aspects.append("senior")
    original = render_title(base, location, style)
    while True:
        varied = _vary(rng, style, rng.choice(aspects))
        if rng.random() < 0.3:
            varied = _vary(rng, varied, rng.choice(aspects))
        if render_title(base, location, varied) != original:
            return varied


def render_title(base: str, location: Location, style: TitleStyle) -> str:
    text = base
    if style.abbreviate_senior and text.startswith(SENIOR):
        text = SENIOR_ABBREVIATED + text[len(SENIOR) :]
    if style.gender_marker:
        text = f"{text} {style.gender_marker}"
    if style.requisition:
        text = f"{text} {style.requisition}"
    if style.location_clause:
        text = f"{text} (Remote)" if location.remote else f"{text} - {location.city}"
    elif style.punctuation:
        text += style.punctuation
    if style.case == "lower":
        return text.lower()
    if style.case == "upper":
        return text.upper()
    return text


def _vary(rng: random.Random, style: TitleStyle, aspect: str) -> TitleStyle:
    if aspect == "case":
        return style._replace(
            case=rng.choice(("lower", "upper")) if style.case == "as_is" else "as_is"
        )
    if aspect == "senior":
        return style._replace(abbreviate_senior=not style.abbreviate_senior)
    if aspect == "gender":
        others = [marker for marker in vocab.GENDER_MARKERS if marker != style.gender_marker]
        return style._replace(
            gender_marker=rng.choice(others + [None] if style.gender_marker else others)
        )
    if aspect == "requisition":
        code = _requisition(rng, rng.choice(REQUISITION_STYLES))
        return style._replace(requisition=rng.choice((code, None)) if style.requisition else code)
    # aspect == "ending": a location clause or trailing punctuation (never both)
    if style.location_clause:
        return style._replace(
            location_clause=False, punctuation=rng.choice((None, *vocab.TRAILING_PUNCTUATION))
        )
    if rng.random() < 0.5:
        return style._replace(location_clause=True, punctuation=None)
    return style._replace(
        punctuation=None if style.punctuation else rng.choice(vocab.TRAILING_PUNCTUATION)
    )


def _requisition(rng: random.Random, requisition_style: str) -> str:
    return requisition_style.format(rng.randint(1000, 9999))
