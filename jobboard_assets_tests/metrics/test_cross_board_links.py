"""The cross-board link rule on hand-made postings: what the real pairs' figures rest on."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from jobboard_assets.metrics.cross_board_links import cross_board_pairs

DAY = date(2025, 3, 3)


def _pairs(*postings: tuple[int, str, str, tuple[str, ...]]) -> set[tuple[int, int]]:
    """Linked pairs of (board, title, location, locations) postings, ids from 1, listed together."""
    rows: list[dict[str, Any]] = [
        {
            "id": number,
            "job_board_id": board,
            "first_seen": DAY,
            "last_seen": DAY,
            "company": "Acme",
            "location": location,
            "locations": list(places) or None,
            "normalized_title": None,
            "title": title,
        }
        for number, (board, title, location, places) in enumerate(postings, start=1)
    ]
    return set(cross_board_pairs(pl.DataFrame(rows)).iter_rows())


def test_a_job_open_in_several_places_links_whichever_place_each_board_names_first() -> None:
    seattle_first = (1, "Software Engineer Intern", "Seattle, WA", ("Seattle, WA", "Bellevue, WA"))
    bellevue_only = (2, "Software Engineer Intern", "Bellevue, WA", ())
    elsewhere = (2, "Software Engineer Intern", "Austin, TX", ("Austin, TX",))
    assert _pairs(seattle_first, bellevue_only) == {(1, 2)}
    assert _pairs(seattle_first, elsewhere) == set()


def test_a_head_inside_another_links_only_when_it_is_the_one_such_posting() -> None:
    trader = (1, "Trader Intern - Summer 2025", "Chicago, IL", ())
    quant = (2, "Quantitative Trader Intern", "Chicago, IL", ())
    assert _pairs(trader, quant) == {(1, 2)}
    # The same head inside two postings of the other board: which one is unknown, so neither.
    options = (2, "Options Trader Intern", "Chicago, IL", ())
    assert _pairs(trader, quant, options) == set()


def test_a_level_between_two_heads_is_another_job() -> None:
    engineer = (1, "Data Engineer", "Berlin", ())
    senior = (2, "Senior Data Engineer", "Berlin", ())
    assert _pairs(engineer, senior) == set()
