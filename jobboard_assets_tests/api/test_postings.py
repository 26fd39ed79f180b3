"""GET /api/postings and /api/postings/{id} over real HTTP, on SQLite and PostgreSQL.

The warehouse is `posting_seed`'s history, written through the pipeline's own write path;
every expected answer is worked out from its declarations (which postings are listed when,
with what board date and fields), and the evidence is compared with the history tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import polars as pl
import pytest
import requests
from sqlalchemy import Engine, func, select

from jobboard_assets.metrics.posting_evidence import board_reference_lifespans
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.models import (
    JobPosting,
    PostingEvent,
    PostingSpan,
    RawDataSnapshot,
)
from jobboard_assets_tests.api import posting_seed
from jobboard_assets_tests.api.conftest import live_server
from jobboard_assets_tests.api.posting_seed import AS_OF, BY_ID, DAYS, SPECS, Spec, day
from jobboard_assets_tests.conftest import BACKENDS, fresh_warehouse_url

SEARCH = "/api/postings"


Built = tuple[str, dict[str, int], Engine]


@pytest.fixture(scope="module", params=BACKENDS)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    """The seeded history once per backend, served: the read-only tests share it."""
    path = tmp_path_factory.mktemp("postings") / "warehouse.db"
    with fresh_warehouse_url(request.param, path) as warehouse:
        engine = make_engine(warehouse)
        migrate.upgrade(engine)
        ids = posting_seed.build(engine)
        with live_server(engine, None) as base:
            yield base, ids, engine
        engine.dispose()


@pytest.fixture
def url(built: Built) -> str:
    return built[0]


@pytest.fixture
def history(built: Built) -> dict[str, int]:
    return built[1]


def get(url: str, path: str, **params: Any) -> dict[str, Any]:
    response = requests.get(url + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def every_page(url: str, **params: Any) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        page = get(url, SEARCH, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["nextCursor"]
        if cursor is None:
            return items


def external_ids(url: str, **params: Any) -> set[str]:
    return {item["externalId"] for item in every_page(url, limit=3, **params)}


def age(spec: Spec) -> int:
    return (AS_OF - spec.first_seen).days


def fake_fresh(spec: Spec) -> bool:
    """The documented rule, from the declarations: open, board date within 7 days of as_of,
    and seen for 30 days or re-stamped (board date over a day after the first sighting)."""
    board_date = spec.board_date(DAYS - 1)
    restamped = (board_date - spec.first_seen).days > 1
    return spec.active and (AS_OF - board_date).days <= 7 and (age(spec) >= 30 or restamped)


CHAIN = {"a-repost-1", "a-repost-2", "a-repost-3"}

FILTERS: list[tuple[dict[str, Any], Any]] = [
    ({}, lambda s: True),
    ({"q": "ENGINEER"}, lambda s: "engineer" in s.title.lower()),
    ({"q": "%_%"}, lambda s: "%_%" in s.title),  # not wildcards: nothing matches
    ({"q": "no such title"}, lambda s: False),
    ({"q": "qa eng"}, lambda s: "qa eng" in s.title.lower()),
    ({"q": "ÄRZTIN"}, lambda s: "ärztin" in s.title.lower()),
    ({"q": '"m/w'}, lambda s: '"m/w' in s.title),
    ({"boardId": "beta"}, lambda s: s.board == "beta"),
    ({"company": "Clinic"}, lambda s: s.company == "Clinic"),
    ({"roleFamily": "sales"}, lambda s: s.role_family == "sales"),
    ({"workplaceType": "remote"}, lambda s: s.workplace_type == "remote"),
    ({"employmentType": "part_time"}, lambda s: s.employment_type == "part_time"),
    ({"payStated": "true"}, lambda s: s.salary is not None),
    ({"payStated": "false"}, lambda s: s.salary is None),
    ({"minPay": "50000"}, lambda s: s.salary is not None and s.salary[0] >= 50000),
    ({"status": "active"}, lambda s: s.active),
    ({"status": "closed"}, lambda s: not s.active),
    ({"minAge": "30"}, lambda s: age(s) >= 30),
    ({"maxAge": "30"}, lambda s: age(s) <= 30),
    ({"minAge": "20", "maxAge": "36"}, lambda s: 20 <= age(s) <= 36),
    ({"minReposts": "2"}, lambda s: s.external_id in CHAIN),
    ({"fakeFresh": "true"}, fake_fresh),
    ({"fakeFresh": "false"}, lambda s: not fake_fresh(s)),
    (
        {"status": "active", "roleFamily": "engineering", "boardId": "alpha"},
        lambda s: s.active and s.role_family == "engineering" and s.board == "alpha",
    ),
]


@pytest.mark.parametrize(("params", "matches"), FILTERS, ids=[str(p) for p, _ in FILTERS])
def test_every_filter_finds_what_the_declarations_say(
    url: str, history: dict[str, int], params: dict[str, Any], matches: Any
) -> None:
    if "boardId" in params:
        params = {**params, "boardId": history[params["boardId"]]}
    expected = {spec.external_id for spec in SPECS if matches(spec)}
    # Each filter is tested with something to find, but for words no title holds.
    assert expected or params.get("q") in ("%_%", "no such title")
    assert external_ids(url, **params) == expected


def test_a_fake_fresh_posting_is_found_and_the_rule_is_not_trivial(url: str) -> None:
    assert external_ids(url, fakeFresh="true") == {"a-restamp"}


@pytest.mark.parametrize("sort", ["firstSeen", "-firstSeen", "age", "-age"])
def test_sorts_are_first_seen_orders_with_ids_breaking_ties(url: str, sort: str) -> None:
    items = every_page(url, sort=sort, limit=4)
    keys = [(date.fromisoformat(item["firstSeen"]), item["id"]) for item in items]
    oldest_first = sort in ("firstSeen", "-age")
    assert keys == sorted(keys, reverse=not oldest_first)
    ages = [item["ageDays"] for item in items]
    assert ages == sorted(ages, reverse=oldest_first)
    assert ages == [(AS_OF - key[0]).days for key in keys]


def test_items_carry_the_posting_fields(url: str) -> None:
    (item,) = get(url, SEARCH, q="Music Teacher")["items"]
    spec = BY_ID["b-teacher"]
    assert item["boardName"] == "Beta"
    assert (item["firstSeen"], item["lastSeen"]) == (
        spec.first_seen.isoformat(),
        day(max(spec.listed)).isoformat(),
    )
    assert item["isActive"] is False
    assert (item["salaryMin"], item["salaryMax"], item["payStated"]) == (30000.0, 40000.0, True)
    assert item["ageDays"] == age(spec)


@pytest.mark.parametrize("sort", ["firstSeen", "-firstSeen"])
def test_paging_has_no_gaps_or_repeats_while_new_days_land(engine: Engine, sort: str) -> None:
    history = posting_seed.build(engine)
    with live_server(engine, None) as url:
        _page_while_days_land(engine, url, history, sort)


def _page_while_days_land(engine: Engine, url: str, history: dict[str, int], sort: str) -> None:
    newcomer = posting_seed.Spec(
        "a-new",
        "alpha",
        "Office Manager",
        "Acme",
        "Berlin",
        "operations",
        frozenset({DAYS, DAYS + 1}),
        published=DAYS,
    )
    seen: list[str] = []
    page = get(url, SEARCH, sort=sort, limit=3)
    landed = DAYS
    while True:
        seen += [item["externalId"] for item in page["items"]]
        if page["nextCursor"] is None:
            break
        if landed < DAYS + 2:  # a new day lands between pages, with its history run
            posting_seed.apply_day(engine, history, landed, extra=(newcomer,))
            posting_seed.run_history(engine, [day(landed)])
            landed += 1
        page = get(url, SEARCH, sort=sort, limit=3, cursor=page["nextCursor"])
    assert len(seen) == len(set(seen))
    before = {spec.external_id for spec in SPECS}
    # Oldest first reaches the newcomer at the end; newest first had passed it already.
    assert set(seen) == (before | {"a-new"} if sort == "firstSeen" else before)
    assert landed == DAYS + 2


def test_get_answers_carry_an_etag_and_revalidate(url: str, history: dict[str, int]) -> None:
    for path in (SEARCH + "?status=active", f"/api/postings/{_posting_id(url, 'a-gap')}"):
        first = requests.get(url + path, timeout=30)
        etag = first.headers["etag"]
        again = requests.get(url + path, headers={"If-None-Match": etag}, timeout=30)
        assert (again.status_code, again.content) == (304, b"")


@pytest.mark.parametrize(
    "params",
    [
        {"workplaceType": "moon"},
        {"minAge": "-1"},
        {"minAge": "10", "maxAge": "5"},
        {"minPay": "lots"},
        {"payStated": "yes"},
        {"limit": "0"},
        {"sort": "title"},
        {"q": " "},
        {"q": "QA"},  # shorter than a trigram: no index serves it (docs/api.md)
        {"q": " ab "},
        {"q": "abc\x00"},
        {"company": "Acme\x00"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_malformed_parameters_are_400(url: str, params: dict[str, str]) -> None:
    response = requests.get(url + SEARCH, params=params, timeout=30)
    assert response.status_code == 400
    assert response.json()["success"] is False


def test_a_cursor_only_continues_its_own_search(url: str) -> None:
    cursor = get(url, SEARCH, limit=2)["nextCursor"]
    response = requests.get(
        url + SEARCH, params={"limit": 2, "status": "active", "cursor": cursor}, timeout=30
    )
    assert response.status_code == 400
    assert "another search" in response.json()["error"]


@pytest.mark.parametrize("path", ["/api/postings/999999", "/api/postings/abc", "/api/postings/0"])
def test_an_unknown_posting_is_404(url: str, path: str) -> None:
    assert requests.get(url + path, timeout=30).status_code == 404


# --- evidence ------------------------------------------------------------------------------


def _posting_id(url: str, external_id: str) -> int:
    spec = BY_ID[external_id]
    items = get(url, SEARCH, q=spec.title, limit=100)["items"]
    return next(item["id"] for item in items if item["externalId"] == external_id)


def evidence(url: str, external_id: str) -> dict[str, Any]:
    return get(url, f"/api/postings/{_posting_id(url, external_id)}")


def _stored_history(engine: Engine, posting_id: int) -> dict[str, Any]:
    with session_scope(engine) as session:
        posting = session.get(JobPosting, posting_id)
        assert posting is not None
        spans = session.execute(
            select(PostingSpan.first_day, PostingSpan.last_day)
            .where(PostingSpan.job_posting_id == posting_id)
            .order_by(PostingSpan.first_day)
        ).all()
        events = session.execute(
            select(PostingEvent.event_type, PostingEvent.event_date)
            .where(PostingEvent.job_posting_id == posting_id)
            .order_by(PostingEvent.event_date)
        ).all()
        listings = session.execute(
            select(RawDataSnapshot.snapshot_date, RawDataSnapshot.data)
            .where(RawDataSnapshot.job_board_id == posting.job_board_id)
            .order_by(RawDataSnapshot.snapshot_date)
        ).all()
        board_dates = [
            (snapshot_day.isoformat(), row["posted_at"], row["posted_at_approximate"])
            for snapshot_day, data in listings
            for row in data["postings"]
            if row["external_id"] == posting.external_id
        ]
        return {
            "spans": [(a.isoformat(), b.isoformat()) for a, b in spans],
            "events": [(kind, when.isoformat()) for kind, when in events],
            "board_dates": board_dates,
            "repost_cluster_id": posting.repost_cluster_id,
        }


@pytest.mark.parametrize("external_id", ["a-restamp", "a-gap", "a-repost-3", "b-nurse", "b-phrase"])
def test_evidence_history_equals_the_history_tables(built: Built, external_id: str) -> None:
    url, _, engine = built
    posting_id = _posting_id(url, external_id)
    shown = get(url, f"/api/postings/{posting_id}")["history"]
    stored = _stored_history(engine, posting_id)
    assert [(s["firstDay"], s["lastDay"]) for s in shown["spans"]] == stored["spans"]
    assert [(e["type"], e["day"]) for e in shown["events"]] == stored["events"]
    dated = [(d["day"], d["boardDate"], d["approximate"]) for d in shown["boardDates"]]
    assert dated == stored["board_dates"]


def test_a_gap_between_two_spans_is_shown(url: str) -> None:
    shown = evidence(url, "a-gap")["history"]
    assert [(s["firstDay"], s["lastDay"]) for s in shown["spans"]] == [
        (day(0).isoformat(), day(5).isoformat()),
        (day(12).isoformat(), day(20).isoformat()),
    ]
    assert shown["gaps"] == [{"afterDay": day(5).isoformat(), "beforeDay": day(12).isoformat()}]
    assert [e["type"] for e in shown["events"]] == [
        "appeared",
        "disappeared",
        "reappeared",
        "disappeared",
    ]


@pytest.mark.parametrize(
    ("external_id", "restamped_on"),
    [
        ("a-restamp", [5, 10, 15, 20, 25, 30, 35]),  # every 5 days, exact dates
        ("b-phrase", [18]),  # re-posted; the phrase one day ahead on 10, 11 and 20 is not
    ],
)
def test_every_restamp_of_the_board_date_is_listed(
    url: str, external_id: str, restamped_on: list[int]
) -> None:
    spec = BY_ID[external_id]
    shown = evidence(url, external_id)
    restamps = shown["history"]["restamps"]
    assert [r["day"] for r in restamps] == [day(o).isoformat() for o in restamped_on]
    assert [r["boardDate"] for r in restamps] == [day(o).isoformat() for o in restamped_on]
    assert {d["approximate"] for d in shown["history"]["boardDates"]} == {spec.approximate}


def test_the_repost_chain_lists_every_earlier_posting_with_its_dates(url: str) -> None:
    chain = evidence(url, "a-repost-3")["repostChain"]
    expected = [
        (day(min(BY_ID[e].listed)).isoformat(), day(max(BY_ID[e].listed)).isoformat())
        for e in ("a-repost-1", "a-repost-2")
    ]
    assert [(c["firstSeen"], c["lastSeen"]) for c in chain] == expected
    assert evidence(url, "a-repost-1")["repostChain"] == []


def test_the_same_job_on_another_board_is_linked(url: str) -> None:
    other = evidence(url, "a-restamp")["otherBoards"]
    assert [(o["boardName"], o["firstSeen"]) for o in other] == [
        ("Beta", BY_ID["b-copy"].first_seen.isoformat())
    ]
    assert [o["boardName"] for o in evidence(url, "b-copy")["otherBoards"]] == ["Alpha"]
    assert evidence(url, "a-eng-0")["otherBoards"] == []


def kaplan_meier_quantile(durations: list[tuple[int, bool]], level: float) -> int | None:
    """The first time the product-limit estimate is at or below `level` (textbook, by hand)."""
    survival = 1.0
    for time in sorted({d for d, _ in durations}):
        at_risk = sum(1 for d, _ in durations if d >= time)
        closed = sum(1 for d, event in durations if d == time and event)
        survival *= 1 - closed / at_risk
        if survival <= level + 1e-9:
            return time
    return None


def test_age_is_compared_with_the_boards_median_and_p90_for_its_role_family(url: str) -> None:
    # Alpha's engineering postings seen to open (after its first observed day): closed ones at
    # their lifespan, open ones censored at their age.
    durations = [
        (
            (day(max(s.listed)) - s.first_seen).days if not s.active else age(s),
            not s.active,
        )
        for s in SPECS
        if s.board == "alpha" and s.role_family == "engineering" and min(s.listed) > 0
    ]
    shown = evidence(url, "a-repost-3")
    reference = shown["boardLifespan"]
    assert reference["scope"] == "role family"
    assert reference["medianDays"] == kaplan_meier_quantile(durations, 0.5)
    assert reference["p90Days"] == kaplan_meier_quantile(durations, 0.1)
    signals = {s["name"]: s for s in shown["signals"]}
    assert signals["age_beyond_board_p90"]["value"] == age(BY_ID["a-repost-3"])
    assert signals["age_beyond_board_p90"]["fired"] == (
        age(BY_ID["a-repost-3"]) > reference["p90Days"]
    )


def reference_at_request_time(engine: Engine, posting_id: int) -> dict[str, Any]:
    """The board's figures as the evidence computed them on every request before they were
    stored: Kaplan-Meier over the board's postings at the newest observed day, tracked from the
    board's first observed day."""
    with session_scope(engine) as session:
        posting = session.get(JobPosting, posting_id)
        assert posting is not None
        board, family = posting.job_board_id, posting.role_family
        rows = session.execute(
            select(
                JobPosting.id,
                JobPosting.job_board_id,
                JobPosting.role_family,
                JobPosting.first_seen,
                JobPosting.last_seen,
                JobPosting.is_active,
                JobPosting.posted_at,
            ).where(JobPosting.job_board_id == board)
        ).all()
        as_of = session.scalar(select(func.max(RawDataSnapshot.snapshot_date)))
        started = session.scalar(
            select(func.min(RawDataSnapshot.snapshot_date)).where(
                RawDataSnapshot.job_board_id == board
            )
        )
    assert as_of is not None
    frame = pl.DataFrame(
        [row._asdict() for row in rows],
        schema_overrides={"posted_at": pl.Datetime("us", "UTC")},
    )
    reference = board_reference_lifespans(frame, as_of=as_of, tracking_start=started).filter(
        pl.col("role_family").eq_missing(pl.lit(family, dtype=pl.Utf8))
    )
    row = reference.row(0, named=True)
    return {
        "scope": row["scope"],
        "estimatePostings": row["estimate_postings"],
        "medianDays": row["median_days"],
        "medianFloorDays": row["median_floor_days"],
        "p90Days": row["p90_days"],
    }


def test_every_postings_board_figures_equal_the_request_time_estimate(built: Built) -> None:
    url, _, engine = built
    shown = {spec.external_id: evidence(url, spec.external_id)["boardLifespan"] for spec in SPECS}
    expected = {
        spec.external_id: reference_at_request_time(engine, _posting_id(url, spec.external_id))
        for spec in SPECS
    }
    assert shown == expected
    # Not trivially equal: both scopes, and figures that are known and that are not.
    assert {figures["scope"] for figures in shown.values()} == {"role family", "board"}
    assert any(figures["p90Days"] is not None for figures in shown.values())


def likelihood(fired: dict[str, float]) -> float:
    return 1 - math.prod(1 - weight for weight in fired.values())


@pytest.mark.parametrize(
    ("external_id", "must_fire", "must_not_fire"),
    [
        ("a-restamp", {"restamped", "fake_fresh"}, {"no_pay_stated", "reposted"}),
        ("a-expired", {"listed_after_expiry", "no_pay_stated"}, {"restamped", "fake_fresh"}),
        ("a-repost-3", {"reposted"}, {"chronic_reposting", "listed_after_expiry"}),
        ("b-teacher", set(), {"restamped", "fake_fresh", "no_pay_stated", "reposted"}),
    ],
)
def test_signals_and_the_stale_likelihood_follow_the_stated_rule(
    url: str, external_id: str, must_fire: set[str], must_not_fire: set[str]
) -> None:
    shown = evidence(url, external_id)
    fired = {s["name"]: s["weight"] for s in shown["signals"] if s["fired"]}
    assert must_fire <= set(fired)
    assert not must_not_fire & set(fired)
    assert shown["staleLikelihood"] == pytest.approx(likelihood(fired), abs=1e-4)
    assert shown["stale"] == (shown["staleLikelihood"] >= shown["staleThreshold"])
    assert shown["staleDrivers"] == sorted(fired, key=lambda name: -fired[name])


def test_expiry_pay_and_values_are_shown(url: str) -> None:
    expired = evidence(url, "a-expired")
    assert expired["listedAfterExpiry"] is True
    signals = {s["name"]: s for s in expired["signals"]}
    assert signals["listed_after_expiry"]["value"] == (AS_OF - day(20)).days
    assert expired["posting"]["payStated"] is False
    restamped = {s["name"]: s for s in evidence(url, "a-restamp")["signals"]}
    spec = BY_ID["a-restamp"]
    assert restamped["restamped"]["value"] == (spec.board_date(DAYS - 1) - spec.first_seen).days
    assert restamped["fake_fresh"]["value"] == (AS_OF - spec.board_date(DAYS - 1)).days
    assert datetime.fromisoformat(evidence(url, "a-restamp")["posting"]["postedAt"]).date() == (
        spec.board_date(DAYS - 1)
    )
