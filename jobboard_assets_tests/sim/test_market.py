"""The market model: catalog, determinism, reposts, multi-city openings, profiles, titles."""

from __future__ import annotations

import itertools
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from jobboard_assets.sim import vocab
from jobboard_assets.sim.catalog import build_catalog
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.served_posting import Posting
from jobboard_assets_tests.sim.conftest import SEED

START = date(2025, 9, 1)
END = START + timedelta(days=179)
ID_STYLES = {
    "greenhouse": r"\d{10}",
    "lever": r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
    "ashby": r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
    "smartrecruiters": r"\d{15,}",
    "workable": r"[0-9A-F]{10}",
    "rss": r"https://[a-z0-9-]+\.example/jobs/\d+",
    "html": r"https://[a-z0-9-]+\.example/jobs/\d+",
}


def normalized(title: str) -> str:
    """The normalization the documented title grammar promises to survive (docs/simulator.md)."""
    text = title.lower()
    text = re.sub(r"\((m/w/d|f/m/x|m/f/d|w/m/d)\)", " ", text)
    text = re.sub(r"\(job id \d+\)|\br-\d+\b", " ", text)
    text = re.sub(r"\s+-\s+[^-]+$|\(remote\)\s*$", " ", text)
    text = re.sub(r"^sr\. ", "senior ", text)
    return " ".join(re.sub(r"[^\w\s-]", " ", text).split())


@pytest.fixture(scope="module")
def postings(market: SimulatedMarket) -> list[Posting]:
    """Six months of every board's listed postings."""
    return [p for board in market.boards for p in market.postings_between(board.slug, START, END)]


@pytest.fixture(scope="module")
def jobs(postings: list[Posting]) -> dict[str, list[Posting]]:
    by_job: dict[str, list[Posting]] = defaultdict(list)
    for posting in postings:
        by_job[posting.job_key].append(posting)
    return {key: sorted(chain, key=lambda p: p.repost_index) for key, chain in by_job.items()}


def test_catalog_spreads_every_kind_profile_category_and_industry(market: SimulatedMarket) -> None:
    boards = market.boards
    assert len(boards) == 33
    assert min(Counter(b.kind for b in boards)[kind] for kind in vocab.KINDS) >= 3
    assert {(b.kind, b.profile) for b in boards} >= {
        (kind, p) for kind in vocab.KINDS for p in ("fast", "normal", "stale")
    }
    assert {b.category for b in boards} >= {"tech", "general", "remote", "niche"}
    assert {b.industry for b in boards} == set(vocab.INDUSTRIES)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", b.slug) for b in boards)
    assert len({b.slug for b in boards}) == 33 and len({b.name for b in boards}) == 33
    employers = [c.name for b in boards for c in b.companies]
    assert len(employers) == len(set(employers)), "no employer is on two boards"
    assert all(len(b.companies) == 1 for b in boards if b.kind in vocab.SINGLE_EMPLOYER_KINDS)
    assert all(len(b.companies) > 10 for b in boards if b.kind not in vocab.SINGLE_EMPLOYER_KINDS)
    assert all(0 <= b.repost_rate <= 0.4 for b in boards)


def test_catalog_is_a_function_of_seed_and_size() -> None:
    assert build_catalog(SEED, 33) == build_catalog(SEED, 33)
    assert build_catalog(SEED, 33) != build_catalog(SEED + 1, 33)
    with pytest.raises(ValueError):
        build_catalog(SEED, 0)


def test_a_day_does_not_depend_on_which_days_were_asked_first() -> None:
    late_first, early_first = (
        SimulatedMarket(seed=SEED, n_boards=7),
        SimulatedMarket(seed=SEED, n_boards=7),
    )
    day, later = date(2025, 8, 10), date(2026, 1, 5)
    for board in late_first.boards:
        late_first.postings_on(board.slug, later)
        assert late_first.postings_on(board.slug, day) == early_first.postings_on(board.slug, day)
        assert late_first.postings_on(board.slug, later) == early_first.postings_on(
            board.slug, later
        )


def test_the_truth_does_not_depend_on_the_process_hash_seed() -> None:
    """Nothing iterates over a str-hashed set: another interpreter with another PYTHONHASHSEED agrees."""
    script = (
        "import sys, hashlib, json; from datetime import date; from jobboard_assets.sim.market import SimulatedMarket; "
        "doc = SimulatedMarket(seed=42, n_boards=7).truth(date(2025, 7, 1), date(2025, 7, 3)); "
        "print(hashlib.sha256(json.dumps(doc).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert len(digests) == 1


def test_boards_are_empty_before_the_epoch_and_in_steady_state_after(
    market: SimulatedMarket,
) -> None:
    assert all(
        market.postings_on(b.slug, market.epoch - timedelta(days=1)) == () for b in market.boards
    )
    for offset in (0, 90, 270):
        active = [
            len(market.postings_on(b.slug, market.epoch + timedelta(days=offset)))
            for b in market.boards
        ]
        assert 200 <= statistics.mean(active) <= 400, (offset, statistics.mean(active))
        assert min(active) >= 40 and max(active) <= 1000


def test_ids_follow_each_kinds_style_and_are_unique(
    market: SimulatedMarket, postings: list[Posting]
) -> None:
    kind_of = {b.slug: b.kind for b in market.boards}
    for posting in postings:
        assert re.fullmatch(ID_STYLES[kind_of[posting.board]], posting.external_id), posting
    assert len({(p.board, p.external_id) for p in postings}) == len(postings)


def test_reposts_come_later_at_the_same_employer_and_place_with_a_normalizable_new_title(
    jobs: dict[str, list[Posting]],
) -> None:
    reposted = [chain for chain in jobs.values() if len(chain) > 1]
    assert len(reposted) > 0.05 * len(jobs)
    gaps = []
    for chain in reposted:
        for previous, repost in itertools.pairwise(chain):
            assert repost.first_day > previous.first_day
            assert (repost.company, repost.location, repost.base_title) == (
                previous.company,
                previous.location,
                previous.base_title,
            )
            assert repost.external_id != previous.external_id
            consecutive = repost.repost_index == previous.repost_index + 1
            assert normalized(repost.title) == normalized(previous.title)
            if consecutive:  # (the one in between may be out of range)
                assert repost.title != previous.title, "a repost restyles the title it replaces"
            if (
                consecutive
                and previous.last_day is not None
                and repost.first_day > previous.last_day
            ):
                gaps.append((repost.first_day - previous.last_day).days)
    assert min(gaps) >= 1 and max(gaps) <= 30
    while_up = sum(
        1
        for chain in reposted
        for a, b in itertools.pairwise(chain)
        if a.last_day is None or b.first_day <= a.last_day
    )
    assert while_up > 0, "some reposts appear while the original is still up"
    assert any(len(chain) >= 3 for chain in reposted), "serial reposting exists"


def test_every_title_normalizes_to_its_base_title(postings: list[Posting]) -> None:
    assert all(normalized(p.title) == normalized(p.base_title) for p in postings)
    assert sum(p.title != p.base_title for p in postings) > 0.2 * len(postings), (
        "titles carry decorations"
    )


def test_distinct_jobs_of_an_employer_and_place_rarely_share_a_title_within_180_days(
    jobs: dict[str, list[Posting]],
) -> None:
    firsts: dict[tuple[str, str, str, str], list[date]] = defaultdict(list)
    for chain in jobs.values():
        original = chain[0]
        firsts[
            (original.board, original.company, original.location.name, normalized(original.title))
        ].append(original.first_day)
    look_alikes = sum(
        1
        for days in firsts.values()
        for a, b in itertools.pairwise(sorted(days))
        if (b - a).days <= 180
    )
    assert look_alikes < 0.01 * len(jobs)


def test_multi_city_openings_share_the_first_day_and_differ_in_place(
    jobs: dict[str, list[Posting]],
) -> None:
    openings: dict[tuple[str, str, str, date], list[Posting]] = defaultdict(list)
    for chain in jobs.values():
        original = chain[0]
        if original.first_day > START:  # not clipped to the range start
            openings[
                (original.board, original.company, original.base_title, original.first_day)
            ].append(original)
    multi = [group for group in openings.values() if len(group) > 1]
    assert len(multi) > 50
    for group in multi:
        assert 2 <= len(group) <= 4
        assert len({p.location for p in group}) == len(group)
        assert len({p.job_key for p in group}) == len(group), "each city is a job of its own"


def test_profiles_behave_as_described(market: SimulatedMarket, postings: list[Posting]) -> None:
    profile_of = {b.slug: b.profile for b in market.boards}
    lifespans: dict[str, list[int]] = defaultdict(list)
    for posting in postings:
        if posting.last_day is not None and posting.first_day > market.epoch:
            lifespans[profile_of[posting.board]].append((posting.last_day - posting.first_day).days)
    medians = {profile: statistics.median(days) for profile, days in lifespans.items()}
    assert 4 <= medians["fast"] <= 10
    assert 15 <= medians["normal"] <= 40
    assert medians["fast"] < medians["normal"] < medians["stale"]
    assert max(lifespans["stale"]) > 300, "stale boards have long tails"

    day = START + timedelta(days=90)
    for board in market.boards:
        served = market.postings_on(board.slug, day)
        evergreen_share = sum(p.evergreen for p in served) / len(served)
        stale_dates = [p for p in served if p.first_day < day - timedelta(days=30)]
        board_ages = [(day - p.board_date_on(day)).days for p in stale_dates]
        if board.profile == "stale":
            assert board.restamp_days is not None, board.slug
            assert 0.15 <= evergreen_share <= 0.6, (board.slug, evergreen_share)
            assert max(board_ages) < board.restamp_days, "fake freshness: old postings look recent"
        else:
            assert evergreen_share < 0.1, (board.slug, evergreen_share)
            assert all(
                p.board_date_on(day) == date.fromordinal(p.published_ordinal) for p in served
            )
