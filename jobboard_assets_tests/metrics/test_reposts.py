"""Repost clusters on hand-built histories, their invariants, and repost frequency."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from jobboard_assets.metrics import (
    DEFAULT_SETTINGS,
    chronic_reposters,
    detect_reposts,
    repost_frequency,
    repost_keys,
    repost_links,
)
from jobboard_assets.metrics.repost_chains import linked_within
from jobboard_assets_tests.metrics.frames import posting, postings_frame


def clusters(rows: list[dict], **overrides: Any) -> dict[int, tuple[int | None, int]]:
    """id -> (repost_cluster_id, repost_count)."""
    metrics_settings = replace(DEFAULT_SETTINGS, **overrides)
    result = detect_reposts(postings_frame(rows), metrics_settings)
    assert result.columns == ["id", "repost_cluster_id", "repost_count"]
    return {id_: (cluster, count) for id_, cluster, count in result.rows()}


def test_a_repost_after_close_is_detected() -> None:
    rows = [posting(1, first=0, last=10), posting(2, first=30, last=40)]
    assert clusters(rows) == {1: (1, 1), 2: (1, 1)}
    links = repost_links(postings_frame(rows))
    assert links.select("id", "previous_posting_id", "repost_gap_days").rows() == [
        (1, None, None),
        (2, 1, 20),
    ]


def test_a_repost_while_the_previous_posting_is_still_listed_is_detected() -> None:
    rows = [posting(1, first=0, as_of=50), posting(2, first=20, as_of=50)]
    assert clusters(rows) == {1: (1, 1), 2: (1, 1)}
    assert repost_links(postings_frame(rows))["repost_gap_days"].to_list() == [None, -30]


def test_a_same_day_multi_location_set_is_not_a_repost() -> None:
    rows = [
        posting(1, first=0, last=30, location="Berlin, Germany"),
        posting(2, first=0, last=30, location="München, Germany"),
        posting(3, first=0, last=30, location="Hamburg, Germany"),
    ]
    assert clusters(rows) == {1: (None, 0), 2: (None, 0), 3: (None, 0)}


def test_different_locations_are_different_jobs_even_when_reposted() -> None:
    rows = [
        posting(1, first=0, last=10, location="Berlin"),
        posting(2, first=0, last=10, location="Munich"),
        posting(3, first=30, last=40, location="Berlin"),
    ]
    assert clusters(rows) == {1: (1, 1), 2: (None, 0), 3: (1, 1)}


def test_a_same_day_same_location_pair_is_not_a_repost() -> None:
    rows = [posting(1, first=5, last=30), posting(2, first=5, last=60)]
    assert clusters(rows) == {1: (None, 0), 2: (None, 0)}


def test_a_different_company_is_not_a_repost() -> None:
    rows = [
        posting(1, first=0, last=10, company="Acme"),
        posting(2, first=30, last=40, company="Globex"),
    ]
    assert clusters(rows) == {1: (None, 0), 2: (None, 0)}


def test_another_board_is_not_a_repost() -> None:
    rows = [posting(1, first=0, last=10, board=1), posting(2, first=30, last=40, board=2)]
    assert clusters(rows) == {1: (None, 0), 2: (None, 0)}


def test_a_repost_outside_the_window_is_not_a_repost() -> None:
    window = DEFAULT_SETTINGS.repost_window_days
    inside = [posting(1, first=0, last=10), posting(2, first=10 + window, last=10 + window)]
    outside = [posting(1, first=0, last=10), posting(2, first=11 + window, last=11 + window)]
    assert clusters(inside) == {1: (1, 1), 2: (1, 1)}
    assert clusters(outside) == {1: (None, 0), 2: (None, 0)}
    assert clusters(outside, repost_window_days=window + 1) == {1: (1, 1), 2: (1, 1)}


def test_three_reposts_give_repost_count_3_to_all_four_members() -> None:
    # ids out of time order: the cluster id is the smallest id, not the first posting's.
    rows = [
        posting(40, first=0, last=10),
        posting(12, first=20, last=30),
        posting(33, first=40, last=50),
        posting(25, first=60, as_of=70),
    ]
    assert clusters(rows) == {12: (12, 3), 25: (12, 3), 33: (12, 3), 40: (12, 3)}
    previous = repost_links(postings_frame(rows)).select("id", "previous_posting_id").rows()
    assert dict(previous) == {12: 40, 25: 33, 33: 12, 40: None}


def test_a_gap_beyond_the_window_splits_a_chain_in_two() -> None:
    rows = [
        posting(1, first=0, last=10),
        posting(2, first=20, last=30),
        posting(3, first=300, last=310),
        posting(4, first=320, last=330),
    ]
    assert clusters(rows) == {1: (1, 1), 2: (1, 1), 3: (3, 1), 4: (3, 1)}


def test_parallel_openings_each_keep_their_own_chain() -> None:
    # Two same-day openings; the one that closed first is the one a later posting continues.
    rows = [
        posting(1, first=0, last=50),
        posting(2, first=0, last=5),
        posting(3, first=30, last=40),
    ]
    assert clusters(rows) == {1: (None, 0), 2: (2, 1), 3: (2, 1)}


def test_identity_keys_ignore_case_spacing_word_order_and_work_mode() -> None:
    variants = [
        ("ACME  Inc", "Senior Data Engineer", "Berlin, Germany"),
        ("acme inc", "data engineer senior", "Berlin, Germany (Remote)"),
        ("Acme Inc", "Senior, Data-Engineer!", "berlin germany"),
        ("AcmeInc", "Senior Data Engineer", "BERLIN, GERMANY - hybrid"),
    ]
    rows = [
        posting(i, first=20 * i, last=20 * i + 10, company=company, title=title, location=place)
        for i, (company, title, place) in enumerate(variants, start=1)
    ]
    assert clusters(rows) == dict.fromkeys(range(1, 5), (1, 3))
    keys = repost_keys(postings_frame(rows)).collect()
    assert keys.select("company_key", "location_key", "title_key").unique().rows() == [
        ("acmeinc", "berlin germany", "data engineer senior")
    ]


def test_remote_regions_stay_apart_and_accents_fold() -> None:
    rows = [
        posting(1, first=0, last=10, location="Remote - US"),
        posting(2, first=20, last=30, location="Remote - EU"),
        posting(3, first=0, last=10, location="Zürich"),
        posting(4, first=20, last=30, location="zurich"),
    ]
    assert clusters(rows) == {1: (None, 0), 2: (None, 0), 3: (3, 1), 4: (3, 1)}


def test_a_missing_normalized_title_falls_back_to_the_title_and_no_words_means_no_key() -> None:
    frame = postings_frame(
        [
            posting(1, first=0, last=10, title="Data Engineer"),
            posting(2, first=20, last=30, title="Data Engineer"),
            posting(3, first=0, last=10, title="!!!"),
            posting(4, first=20, last=30, title="!!!"),
        ]
    ).with_columns(normalized_title=pl.when(pl.col("id") != 2).then("normalized_title"))
    result = detect_reposts(frame)
    assert result.rows() == [(1, 1, 1), (2, 1, 1), (3, None, 0), (4, None, 0)]


def test_fuzzy_fallback_is_off_by_default_and_never_merges_different_levels() -> None:
    rows = [
        posting(1, first=0, last=10, title="Senior Data Engineer"),
        posting(2, first=20, last=30, title="Senior Data Engineers"),
        posting(3, first=0, last=10, title="Data Engineer II"),
        posting(4, first=20, last=30, title="Data Engineer III"),
    ]
    assert clusters(rows) == dict.fromkeys(range(1, 5), (None, 0))
    assert clusters(rows, fuzzy_title_min_ratio=95.0) == {
        1: (1, 1),
        2: (1, 1),
        3: (None, 0),
        4: (None, 0),
    }
    # Even a lax threshold does not merge titles whose level tokens differ.
    lax = clusters(rows, fuzzy_title_min_ratio=50.0)
    assert (lax[3], lax[4]) == ((None, 0), (None, 0))


def test_fuzzy_merges_are_transitive_and_stay_inside_the_block() -> None:
    titles = ["Data Platform Engineer", "Data Platforms Engineer", "Data Platforms Engineers"]
    keys = [" ".join(sorted(title.lower().split())) for title in titles]
    # 1~2 and 2~3 reach 97, 1~3 does not: only transitivity puts 1 and 3 together.
    assert fuzz.token_sort_ratio(keys[0], keys[1]) >= 97
    assert fuzz.token_sort_ratio(keys[1], keys[2]) >= 97
    assert fuzz.token_sort_ratio(keys[0], keys[2]) < 97
    rows = [
        posting(1, first=0, last=10, title=titles[0]),
        posting(2, first=20, last=30, title=titles[1]),
        posting(3, first=40, last=50, title=titles[2]),
        posting(4, first=60, last=70, title=titles[0], location="Munich"),
    ]
    assert clusters(rows, fuzzy_title_min_ratio=97.0) == {
        1: (1, 2),
        2: (1, 2),
        3: (1, 2),
        4: (None, 0),
    }


histories = st.lists(
    st.tuples(
        st.integers(1, 2),  # board
        st.sampled_from(["Acme", "Globex"]),
        st.sampled_from(["Data Engineer", "Nurse"]),
        st.sampled_from(["Berlin", "Paris"]),
        st.integers(0, 400),  # first day
        st.one_of(st.none(), st.integers(0, 60)),  # lifespan; None = still open
    ),
    min_size=1,
    max_size=40,
)


def history_frame(rows: list[tuple[int, str, str, str, int, int | None]]) -> pl.DataFrame:
    return postings_frame(
        [
            posting(
                i,
                board=board,
                company=company,
                title=title,
                location=location,
                first=first,
                last=None if life is None else first + life,
                as_of=460 if life is None else None,
            )
            for i, (board, company, title, location, first, life) in enumerate(rows, start=1)
        ]
    )


@settings(max_examples=100, deadline=None)
@given(rows=histories, seed=st.integers(0, 2**16))
def test_clusters_are_deterministic_under_row_shuffles(
    rows: list[tuple[int, str, str, str, int, int | None]], seed: int
) -> None:
    frame = history_frame(rows)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=seed)
    assert repost_links(shuffled).equals(repost_links(frame))


@settings(max_examples=100, deadline=None)
@given(rows=histories)
def test_every_cluster_is_one_chain_with_one_original(
    rows: list[tuple[int, str, str, str, int, int | None]],
) -> None:
    frame = history_frame(rows)
    links = repost_links(frame).join(frame, on="id")
    clustered = links.filter(pl.col("repost_cluster_id").is_not_null())
    per_cluster = clustered.group_by("repost_cluster_id").agg(
        members=pl.len(),
        originals=pl.col("previous_posting_id").is_null().sum(),
        count=pl.col("repost_count").unique(),
        smallest=pl.col("id").min(),
        keys=pl.struct("job_board_id", "company", "title", "location").n_unique(),
        days=pl.col("first_seen").n_unique(),
    )
    for cluster in per_cluster.iter_rows(named=True):
        assert cluster["originals"] == 1
        assert cluster["count"] == [cluster["members"] - 1]
        assert cluster["smallest"] == cluster["repost_cluster_id"]
        assert cluster["keys"] == 1
        assert cluster["days"] == cluster["members"]  # never two members on one day
    reposts = links.filter(pl.col("previous_posting_id").is_not_null())
    previous = reposts.join(
        frame.select(previous_posting_id="id", previous_first="first_seen"),
        on="previous_posting_id",
    )
    assert (previous["first_seen"] > previous["previous_first"]).all()
    assert (previous["repost_gap_days"] <= DEFAULT_SETTINGS.repost_window_days).all()
    assert links.filter(pl.col("repost_cluster_id").is_null())["repost_count"].eq(0).all()


@settings(max_examples=100, deadline=None)
@given(rows=histories, cut=st.integers(0, 460), fuzzy=st.booleans())
def test_links_from_keys_computed_once_equal_links_from_the_text(
    rows: list[tuple[int, str, str, str, int, int | None]], cut: int, fuzzy: bool
) -> None:
    """What a history run does (`PostingHistory.links`): the keys of the whole history, kept
    for keys that others share, serve the links of the history cut at any day."""
    metrics_settings = replace(DEFAULT_SETTINGS, fuzzy_title_min_ratio=90.0 if fuzzy else None)
    # Two titles the fuzzy fallback merges (ratio 96): single postings of each link only then.
    frame = history_frame(
        [
            (board, company, title.replace("Nurse", "Data Engineers"), place, first, life)
            for board, company, title, place, first, life in rows
        ]
    )
    within = linked_within(metrics_settings)
    keys = (
        repost_keys(frame, metrics_settings, key_texts=False)
        .filter(pl.len().over(within) > 1)
        .collect()
    )
    cut_day = frame["first_seen"].min() + timedelta(days=cut)  # type: ignore[operator]
    history = frame.filter(pl.col("first_seen") <= cut_day).with_columns(
        last_seen=pl.min_horizontal("last_seen", pl.lit(cut_day))
    )
    assert repost_links(history, metrics_settings, keys=keys).equals(
        repost_links(history, metrics_settings)
    )


@pytest.fixture
def board_history() -> pl.DataFrame:
    return postings_frame(
        [
            # a job reposted three times (gaps 10, 20, 30 days)
            posting(1, first=0, last=10),
            posting(2, first=20, last=30),
            posting(3, first=50, last=60),
            posting(4, first=90, as_of=100),
            # a nurse job reposted once (gap 4 days)
            posting(5, first=0, last=10, title="Nurse", role_family="healthcare"),
            posting(6, first=14, as_of=100, title="Nurse", role_family="healthcare"),
            # four postings that are nobody's repost
            posting(7, first=0, as_of=100, title="Teacher", role_family="education"),
            posting(8, first=0, as_of=100, title="Analyst"),
            posting(9, first=0, as_of=100, title="Designer", role_family="design"),
            posting(10, first=0, as_of=100, title="Data Engineer", company="Globex"),
            # another board, no reposts
            posting(11, first=0, last=10, board=2),
        ]
    )


def test_repost_frequency_per_board(board_history: pl.DataFrame) -> None:
    frequency = repost_frequency(board_history, "job_board_id")
    assert frequency.row(0, named=True) == {
        "job_board_id": 1,
        "postings": 10,
        "reposts": 4,
        "clustered_postings": 6,
        "repost_clusters": 2,
        "repost_rate_pct": 40.0,
        "median_repost_gap_days": 15.0,  # gaps 4, 10, 20, 30
        "chronic_clusters": 1,
        "flagged": True,
    }
    assert frequency.row(1, named=True)["repost_rate_pct"] == 0.0
    assert frequency.row(1, named=True)["flagged"] is False
    lenient = repost_frequency(
        board_history,
        "job_board_id",
        settings=replace(DEFAULT_SETTINGS, flagged_repost_rate_pct=40.0),
    )
    assert lenient["flagged"].to_list() == [False, False]  # flagged only strictly above


def test_repost_frequency_per_role_family_reuses_links(board_history: pl.DataFrame) -> None:
    links = repost_links(board_history)
    frequency = repost_frequency(board_history, "role_family", links=links)
    assert frequency.select("role_family", "postings", "reposts", "repost_rate_pct").rows() == [
        ("data", 7, 3, pytest.approx(300 / 7)),
        ("design", 1, 0, 0.0),
        ("education", 1, 0, 0.0),
        ("healthcare", 2, 1, 50.0),
    ]
    assert frequency.equals(repost_frequency(board_history, "role_family"))


def test_chronic_reposters_lists_clusters_with_three_or_more_reposts(
    board_history: pl.DataFrame,
) -> None:
    chronic = chronic_reposters(board_history)
    assert chronic.rows(named=True) == [
        {
            "repost_cluster_id": 1,
            "job_board_id": 1,
            "company": "Acme",
            "title": "Data Engineer",
            "location": "Berlin",
            "repost_count": 3,
            "first_seen": board_history["first_seen"][0],
            "last_seen": board_history["last_seen"][3],
            "active_postings": 1,
        }
    ]
    assert (
        chronic_reposters(
            board_history, settings=replace(DEFAULT_SETTINGS, chronic_repost_count=1)
        ).height
        == 2
    )
