"""The cross-board link rule on real cross-posted pairs (`fixtures/real/cross_posted_pairs.json`).

Two real boards, two community aggregators of the same internship season read a day apart, list
many of the same jobs: a pair is the same job when both link the same posting at the employer
(its URL), and a different job when the two share the exact employer, title and place keys (the
repost keys) but link different requisitions of one ATS (the pairs the exact rule could link
wrongly; the looser rule could link more, which the unlabelled-pair test watches). Each listing keeps its
board's own dates: first seen when the board added it, last seen on the snapshot's day while
open, on its last update once closed. The figures are docs/metrics.md's.

The pairs are split by employer into a development part (the rule's changes are written from
its misses: a training figure) and a held-out part no rule is written from (the accuracy
figure): `_part`, on the first word of the Simplify listing's employer, so that a pair of an
employer and the negatives of the same employer fall in the same part.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pytest

from jobboard_assets.metrics.cross_board_links import (
    CROSS_BOARD_GAP_DAYS,
    CROSS_BOARD_LEFTOVER_WINDOW_DAYS,
    cross_board_keys,
    cross_board_pairs,
    neighbouring_place_keys,
)
from jobboard_assets.metrics.settings import DEFAULT_SETTINGS
from jobboard_assets.sources.normalize import normalize_title

FIXTURE = Path(__file__).parents[1] / "fixtures" / "real" / "cross_posted_pairs.json"

Part = Literal["development", "held_out"]
PARTS: tuple[Part, ...] = ("development", "held_out")


def _part(employer: str) -> Part:
    """The part of a pair whose Simplify listing names `employer`: by a hash of its first word
    (casefolded), deterministic and blind to the rest of the listing."""
    words = re.findall(r"[^\W_]+", employer.casefold())
    digest = sha256((words[0] if words else "").encode()).digest()
    return "held_out" if digest[-1] % 2 else "development"


def _day(epoch: int) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def _postings(labelled: dict[str, Any]) -> pl.DataFrame:
    """The listings as the pipeline would hold them (one board per aggregator)."""
    boards = list(labelled["boards"])
    rows = []
    for number, listing in enumerate(labelled["postings"], start=1):
        snapshot = datetime.fromisoformat(labelled["boards"][listing["board"]]["committed"])
        first = _day(listing["date_posted"])
        last = snapshot.date() if listing["active"] else _day(listing["date_updated"])
        place = listing["locations"][0] if listing["locations"] else None
        rows.append(
            {
                "id": number,
                "listing": f"{listing['board']}:{listing['id']}",
                "job_board_id": boards.index(listing["board"]) + 1,
                "first_seen": first,
                "last_seen": max(first, last),
                "company": listing["company_name"],
                "location": place,
                "locations": listing["locations"] or None,
                "normalized_title": normalize_title(listing["title"], place),
                "title": listing["title"],
            }
        )
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    labelled = json.loads(FIXTURE.read_text())
    postings = _postings(labelled)
    listing = dict(postings.select("id", "listing").iter_rows())
    employer = dict(postings.select("listing", "company").iter_rows())
    # A pair as (its Simplify listing, its Ouckah listing); the lists share some listing ids.
    linked = {
        tuple(sorted((listing[a], listing[b]), reverse=True))
        for a, b in cross_board_pairs(postings.drop("listing")).iter_rows()
    }
    labels: dict[str, dict[Part, set[tuple[str, str]]]] = {}
    for label in ("positive", "negative"):
        pairs = {(f"simplify:{a}", f"ouckah:{b}") for a, b in labelled[f"{label}_pairs"]}
        labels[label] = {
            part: {pair for pair in pairs if _part(employer[pair[0]]) == part} for part in PARTS
        }
    return {"postings": postings, "linked": linked, **labels}


def _figures(measured: dict[str, Any], part: Part) -> tuple[int, int, int, int]:
    """positive and negative pairs of `part`, its linked labelled pairs, the true ones among them."""
    positive, negative = measured["positive"][part], measured["negative"][part]
    labelled = measured["linked"] & (positive | negative)
    return len(positive), len(negative), len(labelled), len(labelled & positive)


def test_the_labels_are_disjoint_and_every_posting_is_in_a_pair(measured: dict[str, Any]) -> None:
    positive = set().union(*measured["positive"].values())
    negative = set().union(*measured["negative"].values())
    assert not positive & negative
    paired = set().union(*positive, *negative)
    assert paired == set(measured["postings"]["listing"])


def test_the_parts_split_employers_about_in_half(measured: dict[str, Any]) -> None:
    assert [_figures(measured, part)[:2] for part in PARTS] == [(135, 27), (133, 18)]


def test_no_unlabelled_pair_is_linked(measured: dict[str, Any]) -> None:
    # Linked pairs whose URLs differ without naming two requisitions of one ATS: unlabelled.
    labelled = set().union(*measured["positive"].values(), *measured["negative"].values())
    assert len(measured["linked"] - labelled) == 0


@pytest.mark.parametrize(
    ("part", "linked", "true", "precision", "recall"),
    [
        # A training figure: the rule's loosening was written from this part's misses.
        ("development", 121, 121, 1.0, 0.8963),
        # The accuracy figure: no rule was written from this part (exact keys: 16 of 133).
        ("held_out", 95, 94, 0.9895, 0.7068),
    ],
)
def test_precision_and_recall_on_real_pairs(
    measured: dict[str, Any], part: Part, linked: int, true: int, precision: float, recall: float
) -> None:
    positive, _, labelled, found = _figures(measured, part)
    assert (labelled, found) == (linked, true)
    assert found / labelled == pytest.approx(precision, abs=5e-5)
    assert found / positive == pytest.approx(recall, abs=5e-5)  # below the 0.95 goal


def _why_missed(
    keys: dict[str, dict[str, Any]], near: set[tuple[int, int]], pair: tuple[str, str]
) -> str:
    """The first condition of the loosest pass of the rule (the one for postings left unlinked)
    a missed pair fails (`keys`: by listing; `near`: neighbouring place ids)."""
    one, other = (keys[listing] for listing in pair)
    if one["employer_id"] != other["employer_id"]:
        return "employer"
    places = {(place, other_place) for place in one["places"] for other_place in other["places"]}
    if not any(
        place == other_place or (place, other_place) in near for place, other_place in places
    ):
        return "place"
    words, other_words = set(one["title_words"]), set(other["title_words"])
    nested = words <= other_words or other_words <= words
    levels = DEFAULT_SETTINGS.fuzzy_protected_tokens
    level = any(word in levels or re.search(r"\d", word) for word in words ^ other_words)
    if one["is_intern"] != other["is_intern"] or not nested or level:
        return "title"
    if abs((one["first_seen"] - other["first_seen"]).days) > CROSS_BOARD_LEFTOVER_WINDOW_DAYS:
        return "first seen over two weeks apart"
    gap = max(
        (one["first_seen"] - other["last_seen"]).days, (other["first_seen"] - one["last_seen"]).days
    )
    if gap > CROSS_BOARD_GAP_DAYS:
        return "not listed at the same time"
    return "another candidate"


@pytest.mark.parametrize(
    ("part", "reasons"),
    [
        (
            "development",
            {
                "first seen over two weeks apart": 7,
                "title": 4,
                "place": 1,
                "employer": 1,
                "not listed at the same time": 1,
            },
        ),
        (
            "held_out",
            {
                "first seen over two weeks apart": 10,
                "place": 8,
                "title": 8,
                "another candidate": 6,
                "employer": 4,
                "not listed at the same time": 3,
            },
        ),
    ],
)
def test_why_real_pairs_are_missed(
    measured: dict[str, Any], part: Part, reasons: dict[str, int]
) -> None:
    """Counted for both parts; only the development part's misses were read to change the rule."""
    postings = measured["postings"]
    keyed = cross_board_keys(postings.drop("listing")).collect()
    near = set(
        neighbouring_place_keys(keyed.select("location", "place_id").unique())
        .select("place_id", "place_id_other")
        .iter_rows()
    )
    keys = {
        row["listing"]: row
        for row in keyed.join(postings.select("id", "listing", "first_seen", "last_seen"), on="id")
        # One row per city a listing gives: its cities, with the keys they all share.
        .group_by("listing")
        .agg(pl.col("place_id").alias("places"), pl.all().exclude("place", "place_id").first())
        .iter_rows(named=True)
    }
    missed = measured["positive"][part] - measured["linked"]
    # Postings whose title has no word left ("Winter Internship Opportunities") have no keys.
    counted = Counter(
        _why_missed(keys, near, pair) if all(listing in keys for listing in pair) else "title"
        for pair in missed
    )
    assert dict(counted) == reasons
