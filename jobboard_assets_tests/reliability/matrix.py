"""The fault matrix: every way a board fails, how it is injected and what must come of it.

`CASES` is the specification the fault-matrix tests check each case against, on SQLite and on
PostgreSQL; `render` turns rows into the markdown table printed after the tests and kept in
docs/failure-modes.md (a test keeps the two equal).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests

from jobboard_assets.sim.server import SimServer
from jobboard_assets.sources.records import BoardConfig
from jobboard_assets_tests.http_server import LoopbackServer, Reply, Request
from jobboard_assets_tests.reliability.support import closed_port

MATRIX_PROPERTY = "fault_matrix_row"
"""The user property a fault test reports its measured row in (backend, row as a tuple)."""
FAILED = "fails alone"
ABSORBED = "retried, succeeds"
HEALED = "completed, matches the simulator"


@dataclass(frozen=True)
class Breakage:
    """What a fault day breaks boards with: the simulator's faults, or servers living that day."""

    sim: SimServer
    stack: ExitStack


Inject = Callable[[Breakage, BoardConfig], BoardConfig]
"""Break a board for the fault day; returns its registry entry for that day."""


def sim_fault(name: str, **params: float) -> Inject:
    def inject(breakage: Breakage, board: BoardConfig) -> BoardConfig:
        breakage.sim.set_fault(board.slug, name, **params)
        return board

    return inject


def refused(breakage: Breakage, board: BoardConfig) -> BoardConfig:
    """The board's host refuses connections: its URL points at a closed loopback port."""
    return _moved(board, f"127.0.0.1:{closed_port()}")


def slow(breakage: Breakage, board: BoardConfig) -> BoardConfig:
    """The board answers after 3 s; its `timeout_seconds` option (0.5 s) gives up before."""
    breakage.sim.set_fault(board.slug, "timeout", seconds=3)
    return dataclasses.replace(board, options={**board.options, "timeout_seconds": 0.5})


def rate_limited_once(breakage: Breakage, board: BoardConfig) -> BoardConfig:
    """A front server answers 429 with Retry-After: 1 once, then passes requests to the board.

    The simulator's http_429 answers every request with 429 (the persistent case); a rate limit
    that lifts needs a server that counts.
    """
    front = breakage.stack.enter_context(LoopbackServer())

    def forward(request: Request) -> Reply:
        answer = requests.get(
            f"{breakage.sim.base_url}{request.path}?{urlencode(request.query)}", timeout=30
        )
        return Reply(
            answer.status_code, answer.content, {"Content-Type": answer.headers["Content-Type"]}
        )

    limited = Reply(429, '{"error": "Too Many Requests"}', {"Retry-After": "1"})
    front.route(urlsplit(board.url).path, limited, forward)
    return _moved(board, urlsplit(front.base_url).netloc)


def _moved(board: BoardConfig, netloc: str) -> BoardConfig:
    return dataclasses.replace(board, url=board.url.replace(urlsplit(board.url).netloc, netloc, 1))


@dataclass(frozen=True)
class FaultCase:
    name: str
    injection: str
    kind: str
    """Board kind it is injected on (the simulated market has every kind)."""
    day: int
    """Scenario day of the fault (2 or 4); the day before and the day after are clean."""
    inject: Inject
    error: str | None
    """The part of the error message that says what happened; None when retries absorb it."""
    min_fetch_seconds: float = 0.0
    """A lower bound on the board's fetch time when absorbed (a Retry-After honoured)."""
    sim_requests: int | None = None
    """Requests the simulator answered under the fault, where it counts them (retries seen)."""

    @property
    def id(self) -> str:
        return self.name.lower().replace(" ", "-")

    def expected_row(self) -> MatrixRow:
        return MatrixRow(
            fault=self.name,
            injection=self.injection,
            kind=self.kind,
            outcome=FAILED if self.error else ABSORBED,
            error=self.error or "-",
            wrongly_closed=0,
            next_day=HEALED,
        )


CASES: tuple[FaultCase, ...] = (
    # Day 2: seven boards broken at once (their outcomes are independent); the RSS board stays
    # healthy on both fault days, so it shows what a clean board looks like through all of it.
    FaultCase(
        "connection refused", "board URL on a closed port", "lever", 2, refused,
        "request failed after 5 attempt(s): could not connect ([Errno 111] Connection refused)",
    ),
    FaultCase(
        "read timeout", "answer after 3 s, board timeout_seconds 0.5", "greenhouse", 2, slow,
        "request failed after 5 attempt(s): no data within the 0.5 s read timeout",
    ),
    FaultCase(
        "HTTP 500", "sim http_500", "workable", 2, sim_fault("http_500"),
        "HTTP 500 Internal Server Error after 5 attempt(s)",
    ),
    FaultCase(
        "HTTP 503 then OK", "sim http_503_then_ok, count 2", "ashby", 2,
        sim_fault("http_503_then_ok", count=2), None, sim_requests=3,
    ),
    FaultCase(
        "429 once", "429 with Retry-After: 1, then OK", "smartrecruiters", 2, rate_limited_once,
        None, min_fetch_seconds=1.0,
    ),
    FaultCase(
        "malformed JSON", "sim malformed", "greenhouse", 2, sim_fault("malformed"),
        "malformed response: expected JSON (a JSON object with a 'jobs' list), got invalid JSON",
    ),
    FaultCase(
        "redirect loop", "sim redirect_loop (302 to itself)", "html", 2,
        sim_fault("redirect_loop"), "more than 5 redirects (a redirect loop?)",
    ),
    # Day 4: the other seven faults.
    FaultCase(
        "truncated body", "sim truncated (half the Content-Length)", "lever", 4,
        sim_fault("truncated"), "truncated or corrupt body",
    ),
    FaultCase(
        "HTML instead of JSON", "sim html_instead_of_json (bot wall)", "greenhouse", 4,
        sim_fault("html_instead_of_json"), "got an HTML page (Content-Type text/html)",
    ),
    FaultCase(
        "empty list", "sim empty (a valid, empty listing)", "smartrecruiters", 4,
        sim_fault("empty"), "the board listed 0 postings but",
    ),
    FaultCase(
        "list 90% shorter", "sim shrink, keep 0.1", "ashby", 4, sim_fault("shrink", keep=0.1),
        "(below 50%) on",
    ),
    FaultCase(
        "429 persistent", "429 with Retry-After: 1, always", "workable", 4,
        sim_fault("http_429", seconds=1), "HTTP 429 Too Many Requests after 5 attempt(s)",
    ),
    FaultCase(
        "429 beyond the cap", "429 with Retry-After: 600", "html", 4,
        sim_fault("http_429", seconds=600),
        "retry after 600 s, longer than the 120 s we wait",
    ),
    FaultCase(
        "25 MB body", "sim huge_body, 25 MB", "greenhouse", 4, sim_fault("huge_body", megabytes=25),
        "more than the 20,971,520-byte cap",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class MatrixRow:
    """One fault as measured (or as specified)."""

    fault: str
    injection: str
    kind: str
    outcome: str
    error: str
    wrongly_closed: int
    next_day: str


_HEADER = (
    "fault",
    "injected as",
    "board kind",
    "fault day: the board's scrape job",
    "pipeline_jobs.error contains",
    "postings wrongly closed",
    "next clean day",
)


def render(rows: list[MatrixRow]) -> str:
    """A markdown table, one row per fault."""
    lines = ["| " + " | ".join(_HEADER) + " |", "|" + "---|" * len(_HEADER)]
    for row in rows:
        error = f"`{row.error}`" if row.error != "-" else "-"
        cells = (
            row.fault,
            row.injection,
            row.kind,
            row.outcome,
            error,
            str(row.wrongly_closed),
            row.next_day,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)
