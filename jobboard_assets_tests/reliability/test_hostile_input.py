"""Hostile payloads: whatever a board sends, only our typed errors come out, and text is data.

Every board kind's parser gets random and mutated payloads (real fixtures and simulator
responses truncated, bit-flipped, spliced, retyped, nested, padded with giant strings) over a
real HTTP server on 127.0.0.1, through `scrape_board` as the pipeline calls it: the result is a
listing or a `SourceError`, never another exception, a hang or unbounded memory. Then board text
that looks like SQL, markup or a template goes through a whole pipeline run and is stored as is.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import inspect, select

from jobboard_assets.sim import formats, vocab
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sources.errors import MalformedResponseError, SourceError
from jobboard_assets.sources.fetch import scrape_board
from jobboard_assets.sources.http import HttpSettings, PoliteHttpClient
from jobboard_assets.sources.kinds import KINDS
from jobboard_assets.sources.records import BoardConfig, ScrapeResult
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import Base, JobBoard, JobPosting, RawDataSnapshot
from jobboard_assets_tests.http_server import LoopbackServer, Reply, Request
from jobboard_assets_tests.platform import SIM_BOARDS, SIM_SEED, Platform
from jobboard_assets_tests.reliability.state import day

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"
REAL_BOARDS = Path(__file__).resolve().parents[1] / "fixtures" / "real"
FIXTURE_FILES = {
    "greenhouse": ["greenhouse_jobs.json"],
    "lever": ["lever_postings.json"],
    "ashby": ["ashby_jobs.json"],
    "smartrecruiters": ["smartrecruiters_postings.json"],
    "workable": ["workable_account.json"],
    "workday": [],  # the real lists and job detail of fixtures/real/
    "personio": [],  # the real feed of fixtures/real/
    "rss": ["wwr_feed.rss", "atom_feed.xml"],
    "html": ["html_page1.html", "html_page2.html"],
}
PATHS = {
    "greenhouse": "/v1/boards/acme/jobs",
    "lever": "/v0/postings/acme",
    "ashby": "/posting-api/job-board/acme",
    "smartrecruiters": "/v1/companies/acme/postings",
    "workable": "/api/v1/widget/accounts/acme",
    "workday": "/wday/cxs/acme/External/jobs",
    "personio": "/xml",
    "rss": "/remote-jobs.rss",
    "html": "/jobs",
}
JSON_KINDS = [kind for kind in KINDS if kind not in ("rss", "personio", "html")]
XML_KINDS = ("rss", "personio")
CONTENT_TYPES = [
    "application/json",
    "text/html; charset=utf-8",
    "application/rss+xml",
    "text/plain",
    "",
]
EXAMPLE_DEADLINE = timedelta(seconds=10)
"""Per example, generous for a loaded machine: a parser that hangs is caught, noise is not."""
MAX_BYTES = 2 * 1024 * 1024
"""The client's body cap in these tests (production: 20 MB); bodies above it are refused."""


def test_every_kind_is_covered() -> None:
    assert set(FIXTURE_FILES) == set(PATHS) == set(KINDS)


@dataclass
class HostileBoards:
    """One board per kind on a loopback server, all answering the current example's payload."""

    server: LoopbackServer
    client: PoliteHttpClient
    body: bytes = b""
    content_type: str = ""

    def answer(self, request: Request) -> Reply:
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        return Reply(200, self.body, headers)

    def scrape(self, kind: str, body: bytes, content_type: str) -> ScrapeResult:
        self.body, self.content_type = body, content_type
        options: dict[str, Any] = {"min_interval_seconds": 0, "max_pages": 5}
        if kind == "html":
            options.update(formats.HTML_SELECTORS)
        board = BoardConfig(
            slug=f"hostile-{kind}",
            name="Hostile",
            kind=kind,
            url=self.server.url(PATHS[kind] + "?date={date}"),
            options=options,
        )
        return scrape_board(board, day(1), self.client)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileBoards]:
    with (
        LoopbackServer() as server,
        PoliteHttpClient(
            HttpSettings(retries=0, min_interval=0, read_timeout=5, max_bytes=MAX_BYTES)
        ) as client,
    ):
        boards = HostileBoards(server, client)
        for path in PATHS.values():
            server.route(path, boards.answer)
        server.route("/robots.txt", Reply(404))  # RFC 9309: no robots.txt allows everything
        yield boards


def _real_payloads() -> dict[str, list[bytes]]:
    """Per kind: the sources' fixtures, the real boards' payloads (fixtures/real/, the HTML ones
    need other selectors) and one simulator response (20 postings)."""
    market = SimulatedMarket(
        seed=SIM_SEED, n_boards=max(SIM_BOARDS, len(vocab.ALL_KINDS)), kinds=vocab.ALL_KINDS
    )
    payloads = {
        kind: [(FIXTURES / name).read_bytes() for name in names]
        + [path.read_bytes() for path in sorted(REAL_BOARDS.glob(f"{kind}_*")) if kind != "html"]
        for kind, names in FIXTURE_FILES.items()
    }
    for kind, real in payloads.items():
        board = next(board for board in market.boards if board.kind == kind)
        postings = market.postings_on(board.slug, day(1), include_unlisted=True)[:20]
        real.append(formats.render(board, day(1), postings, {}).body)
    return payloads


REAL = _real_payloads()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """Byte-level damage: cut short, bytes flipped, a slice dropped or repeated, junk inserted."""
    body = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not body:
            break
        at = draw(st.integers(0, len(body) - 1))
        action = draw(st.sampled_from(["truncate", "flip", "drop", "repeat", "insert"]))
        if action == "truncate":
            del body[at:]
        elif action == "flip":
            body[at] ^= draw(st.integers(1, 255))
        elif action == "drop":
            del body[at : at + draw(st.integers(1, 200))]
        elif action == "repeat":
            body[at:at] = body[at : at + draw(st.integers(1, 200))]
        else:
            body[at:at] = draw(st.binary(min_size=1, max_size=20))
    return bytes(body)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*prefix, key))


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _replace(node[path[0]], path[1:], value)
    return copy


@st.composite
def retyped(draw: st.DrawFn, original: bytes) -> bytes:
    """Structure-level damage: one node of the document replaced by a value of another type,
    buried under up to 500 levels of nesting, or swapped for a giant string."""
    document = json.loads(original)
    path = draw(st.sampled_from(list(_paths(document))))
    value = draw(
        st.one_of(
            json_values,
            st.integers(1, 500).map(lambda depth: json.loads("[" * depth + "]" * depth)),
            st.integers(10_000, 300_000).map(lambda size: "A" * size),
        )
    )
    return json.dumps(_replace(document, path, value)).encode()


xml_text = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40)
"""Text lxml can put in a document (no control characters, no lone surrogates)."""
TAGS = ["item", "entry", "title", "guid", "id", "link", "pubDate", "region", "li", "a", "span", "x"]


@st.composite
def reshaped(draw: st.DrawFn, original: bytes, kind: str) -> bytes:
    """Tree-level damage to a feed or page that stays well-formed: elements dropped, renamed,
    emptied, given odd text, attributes or giant text, or buried 200 levels deep."""
    if kind in XML_KINDS:
        root = etree.fromstring(
            original, etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        )
    else:
        root = lxml.html.fromstring(original)
    elements = list(root.iter(etree.Element))
    for _ in range(draw(st.integers(1, 4))):
        element = draw(st.sampled_from(elements))
        action = draw(st.sampled_from(["text", "giant", "drop", "retag", "attribute", "nest"]))
        if action == "text":
            element.text = draw(xml_text)
        elif action == "giant":
            element.text = "A" * draw(st.integers(10_000, 300_000))
        elif action == "drop" and (parent := element.getparent()) is not None:
            parent.remove(element)
        elif action == "retag":
            element.tag = draw(st.sampled_from(TAGS))
        elif action == "attribute":
            element.set(draw(st.sampled_from(["href", "class", "datetime", "rel"])), draw(xml_text))
        elif action == "nest":
            inner = element
            for _ in range(draw(st.integers(1, 200))):
                inner = etree.SubElement(inner, "div")
            inner.text = draw(xml_text)
    return etree.tostring(root)


def payloads(kind: str) -> st.SearchStrategy[bytes]:
    originals = st.sampled_from(REAL[kind])
    choices = [st.binary(max_size=2048), originals.flatmap(mutated)]
    if kind in JSON_KINDS:
        choices += [json_values.map(lambda v: json.dumps(v).encode()), originals.flatmap(retyped)]
    else:
        choices += [
            st.text(max_size=2048).map(str.encode),
            originals.flatmap(lambda original: reshaped(original, kind)),
        ]
    return st.one_of(choices)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(
    max_examples=120,
    deadline=EXAMPLE_DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_only_source_errors_come_out_of_a_parser(
    hostile: HostileBoards, kind: str, data: st.DataObject
) -> None:
    body = data.draw(payloads(kind), label="body")
    content_type = data.draw(st.sampled_from([formats.CONTENT_TYPES[kind], *CONTENT_TYPES]))
    try:
        result = hostile.scrape(kind, body, content_type)
    except SourceError as error:
        event(type(error).__name__)  # --hypothesis-show-statistics shows what the examples hit
        return
    event("a listing" if result.records else "an empty listing")
    for record in result.records:  # a listing that came out is made of usable records
        assert record.external_id.strip() and record.title.strip()
        assert len(record.content_hash) == 64


def test_memory_stays_proportional_to_the_capped_body(hostile: HostileBoards) -> None:
    """A body just under the cap, one giant title: the peak stays a small multiple of it."""
    giant = "A" * (MAX_BYTES - 1024)
    body = json.dumps({"jobs": [{"id": 1, "title": giant}]}).encode()
    tracemalloc.start()
    try:
        (record,) = hostile.scrape("greenhouse", body, "application/json").records
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record.title == giant
    assert peak < 12 * MAX_BYTES, f"{peak / MAX_BYTES:.1f} x the body"


def test_an_entity_expansion_bomb_is_not_expanded(hostile: HostileBoards) -> None:
    """The billion laughs: ten levels of ten entities would be 10**10 'lol's if expanded.

    Entities are not resolved and libxml2 caps amplification: the feed is refused (or, with
    another libxml2, read with the entity left as is), fast and small, never expanded.
    """
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE f [{entities}]>'
        "<rss><channel><item><title>Acme: &l9;</title><guid>g</guid></item></channel></rss>"
    ).encode()
    try:
        records = hostile.scrape("rss", feed, "application/rss+xml").records
    except MalformedResponseError:
        return
    assert all(len(record.title) < 100 for record in records)


@pytest.mark.parametrize("kind", JSON_KINDS)
def test_json_nested_past_the_recursion_limit_is_malformed(
    hostile: HostileBoards, kind: str
) -> None:
    with pytest.raises(SourceError):
        hostile.scrape(kind, b"[" * 100_000 + b"]" * 100_000, "application/json")


def test_a_lone_surrogate_in_a_title_is_data(hostile: HostileBoards) -> None:
    body = b'{"jobs": [{"id": 1, "title": "Engineer \\ud800"}]}'
    (record,) = hostile.scrape("greenhouse", body, "application/json").records
    assert record.title == "Engineer \ufffd"  # replaced: not encodable, but the posting is kept


HOSTILE_POSTINGS: list[dict[str, Any]] = [
    {"id": "1' OR '1'='1", "title": "Robert'); DROP TABLE job_postings;--"},
    {"id": 2, "title": "<script>alert('owned')</script> Engineer", "company_name": "O'Brien & <Sons>"},
    {"id": 3, "title": "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> %s%n", "location": {"name": "'; DELETE FROM job_boards; --"}},
    {"id": 4, "title": "\u202eenigne\u202c Ingénieur 🚀 \\x00 \\\\ \" `rm -rf /`"},
]  # fmt: skip


def run_one_board(platform: Platform, name: str, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """A pipeline run of days 1-2 whose only board is a Greenhouse board listing `jobs` on both:
    a small board's first observation waits for a confirming day (`metrics.belief`)."""
    with LoopbackServer() as server:
        server.route("/v1/boards/only/jobs", Reply.json({"jobs": jobs, "meta": {}}))
        platform.registry = [
            BoardConfig(
                slug="only",
                name=name,
                kind="greenhouse",
                url=server.url("/v1/boards/only/jobs?date={date}"),
                options={"min_interval_seconds": 0},
            )
        ]
        return platform.run(day(1), day(2))


def test_board_text_is_stored_verbatim_and_nothing_executes(jobboard_platform: Platform) -> None:
    """SQL, markup and template syntax in postings go through a whole run as plain data."""
    platform = jobboard_platform
    run = run_one_board(platform, "Hostile'); DROP TABLE job_boards;--", HOSTILE_POSTINGS)
    assert run["status"] == "completed", run["errors"]

    assert set(Base.metadata.tables) <= set(inspect(platform.engine).get_table_names())
    expected = {str(p["id"]): p for p in HOSTILE_POSTINGS}
    with session_scope(platform.engine) as session:
        (board,) = session.scalars(select(JobBoard))
        stored = {p.external_id: p for p in session.scalars(select(JobPosting))}
        snapshot = session.scalars(
            select(RawDataSnapshot).where(RawDataSnapshot.snapshot_date == day(2))
        ).one()
    assert board.name == "Hostile'); DROP TABLE job_boards;--"
    assert set(stored) == set(expected)
    for external_id, posting in expected.items():
        assert stored[external_id].title == posting["title"]
    assert stored["2"].company == "O'Brien & <Sons>"
    assert stored["3"].location == "'; DELETE FROM job_boards; --"
    assert snapshot.data is not None
    listed = {item["external_id"]: item["title"] for item in snapshot.data["postings"]}
    assert listed == {external_id: p["title"] for external_id, p in expected.items()}


def test_a_nul_character_in_a_posting_is_replaced_and_stored(jobboard_platform: Platform) -> None:
    """PostgreSQL refuses NUL in text and jsonb; the parser replaces it, so the posting is stored
    (with U+FFFD) on both backends and its board-day does not fail."""
    platform = jobboard_platform
    postings = [{"id": 1, "title": "Nul\u0000Byte Engineer"}, {"id": 2, "title": "Plain Engineer"}]
    run = run_one_board(platform, "Nul", postings)
    scrapes = [job for job in run["jobs"] if job["jobType"] == "scrape"]
    with session_scope(platform.engine) as session:
        titles = set(session.scalars(select(JobPosting.title)))
    assert [job["status"] for job in scrapes] == ["completed", "completed"], run["errors"]
    assert titles == {"Nul\ufffdByte Engineer", "Plain Engineer"}
