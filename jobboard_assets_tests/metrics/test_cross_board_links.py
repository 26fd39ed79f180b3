"""The cross-board link rule on hand-made postings: what the real pairs' figures rest on."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from jobboard_assets.metrics.cross_board_links import cross_board_pairs

DAY = date(2025, 3, 3)


def _pairs(
    *postings: tuple[int, str, str, tuple[str, ...]], earlier: dict[int, int] | None = None
) -> set[tuple[int, int]]:
    """Linked pairs of (board, title, location, locations) postings, ids from 1, listed together
    (`earlier`: days before the others that a posting, by id, was first seen)."""
    rows: list[dict[str, Any]] = [
        {
            "id": number,
            "job_board_id": board,
            "first_seen": DAY - timedelta(days=(earlier or {}).get(number, 0)),
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


def test_neighbouring_towns_link_only_postings_left_unlinked() -> None:
    reston = (1, "Software Engineer Intern", "Reston, VA", ())
    herndon = (2, "Software Engineering Intern", "Herndon, VA", ())
    assert _pairs(reston, herndon) == {(1, 2)}
    # Per-town requisitions on both boards: each town's posting is its own town's job.
    assert _pairs(reston, herndon, (2, *reston[1:]), (1, *herndon[1:])) == {(1, 3), (2, 4)}
    # A third board's Reston posting is Reston's: the Herndon one is left alone.
    assert _pairs(reston, (2, *reston[1:]), (1, *herndon[1:])) == {(1, 2)}
    # San Francisco and Oakland (13.5 km) are two cities.
    assert (
        _pairs(
            (1, "Data Engineer", "San Francisco, CA", ()), (2, "Data Engineer", "Oakland, CA", ())
        )
        == set()
    )


def test_a_country_takes_a_city_in_it_and_remote_takes_none() -> None:
    toronto = (1, "Software Developer Intern", "Toronto, ON, Canada", ())
    assert _pairs(toronto, (2, "Software Developer Intern", "Canada", ())) == {(1, 2)}
    # Another posting's "Toronto, CA" (California has no Toronto) leaves Toronto in Canada.
    elsewhere = (3, "Accountant", "Toronto, CA", ())
    assert _pairs(toronto, (2, "Software Developer Intern", "Canada", ()), elsewhere) == {(1, 2)}
    assert _pairs(toronto, (2, "Software Developer Intern", "United States", ())) == set()
    austin = (1, "Software Developer Intern", "Austin, TX", ())
    assert _pairs(austin, (2, "Software Developer Intern", "Remote in USA", ())) == set()


def test_a_title_whose_head_is_a_later_part_links_when_it_is_the_one_such_posting() -> None:
    program = (
        1,
        "2025 Summer Internship Program - Platforms & Technology - Software Engineer",
        "Mount Laurel, NJ",
        (),
    )
    intern = (2, "Software Engineer Intern", "Mount Laurel, NJ", ())
    assert _pairs(program, intern) == {(1, 2)}
    assert (
        _pairs(program, intern, (2, "Software Engineer Intern - Platforms", "Mount Laurel, NJ", ()))
        == set()
    )
    assert _pairs(program, (2, "Senior Software Engineer Intern", "Mount Laurel, NJ", ())) == set()


def test_postings_left_unlinked_may_be_first_seen_two_weeks_apart() -> None:
    ats = (1, "Quantitative Research Intern - Summer 2025", "Chicago, IL", ())
    feed = (2, "Quantitative Research Intern", "Chicago, IL", ())
    assert _pairs(ats, feed, earlier={2: 12}) == {(1, 2)}
    assert _pairs(ats, feed, earlier={2: 15}) == set()
    # Two such postings on the feed: which one is unknown, so neither.
    assert _pairs(ats, feed, feed, earlier={2: 12, 3: 10}) == set()


def test_of_two_equally_near_postings_the_one_listing_the_same_places_links() -> None:
    raleigh = (1, "Software Engineering Intern", "Raleigh, NC", ("Raleigh, NC",))
    both = (1, "Software Engineering Intern", "Raleigh, NC", ("Raleigh, NC", "Boston, MA"))
    feed = (2, "Software Engineering Intern", "Boston, MA", ("Boston, MA", "Raleigh, NC"))
    assert _pairs(raleigh, both, feed) == {(2, 3)}
