"""The simulated market over HTTP on loopback, with faults switchable per board at runtime.

    with SimServer(SimulatedMarket()) as server:
        server.set_fault("acme", "http_429", seconds=2)
        requests.get(server.base_url + "/greenhouse/v1/boards/acme/jobs?date=2025-07-01")

Board endpoints take `date=YYYY-MM-DD` (the day to serve; default: today, UTC). Control API:
`GET /_sim/faults`, `POST /_sim/faults` with `{"board": slug, "fault": name, ...params}`,
`DELETE /_sim/faults[?board=slug]`. `GET /robots.txt` allows everything.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jobboard_assets.sim import formats
from jobboard_assets.sim.catalog import BoardSpec
from jobboard_assets.sim.faults import Fault, make_fault
from jobboard_assets.sim.formats import Rendered
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sim.served_posting import Posting

FAULTS_PATH = "/_sim/faults"
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"
SHUTDOWN_POLL_SECONDS = 0.05  # how quickly stop() returns
RENDER_CACHE_SIZE = 64  # responses are up to ~1 MB each
_PADDING_CHUNK = b" " * 65536


@dataclass(frozen=True)
class Answer:
    """How to deliver a response: after a delay, cut in half, or padded with whitespace."""

    rendered: Rendered
    delay_seconds: float = 0.0
    truncate: bool = False
    padding_bytes: int = 0


class SimServer:
    """A threaded HTTP server for a `SimulatedMarket`; bound on creation, serving once started."""

    def __init__(self, market: SimulatedMarket, host: str = "127.0.0.1", port: int = 0) -> None:
        self.market = market
        self._host = host
        self._faults: dict[str, Fault] = {}
        self._faults_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sim = self
        self._thread: threading.Thread | None = None
        # A scraper asks for each board-day once; the cache serves retries and repeated test reads.
        self._render_full_board = functools.lru_cache(maxsize=RENDER_CACHE_SIZE)(
            self._render_uncached
        )

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._httpd.server_port}"

    def start(self) -> SimServer:
        serve = functools.partial(self._httpd.serve_forever, poll_interval=SHUTDOWN_POLL_SECONDS)
        self._thread = threading.Thread(target=serve, name="sim-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; requests sleeping in a `timeout` fault are woken and dropped."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set_fault(self, slug: str, fault: str, **params: Any) -> Fault:
        """Make `slug` fail as `fault` (replacing its previous fault); see `faults.FAULT_PARAMETERS`."""
        if self.market.board(slug) is None:
            raise ValueError(f"no simulated board {slug!r}")
        made = make_fault(slug, fault, params)
        with self._faults_lock:
            self._faults[slug] = made
        return made

    def clear_faults(self, slug: str | None = None) -> int:
        """Remove the fault of `slug`, or every fault; returns how many were removed."""
        with self._faults_lock:
            if slug is None:
                cleared = len(self._faults)
                self._faults.clear()
                return cleared
            return 1 if self._faults.pop(slug, None) else 0

    def faults(self) -> list[dict[str, Any]]:
        with self._faults_lock:
            return [self._faults[slug].to_json() for slug in sorted(self._faults)]

    def answer_board(
        self, kind: str, slug: str, target: str, query: Mapping[str, str], if_none_match: str | None
    ) -> Answer:
        """The answer to a board list request (`target`: the request's path and query), faults applied."""
        try:
            day = date.fromisoformat(query["date"]) if "date" in query else datetime.now(UTC).date()
        except ValueError:
            return Answer(formats.error(400, "date must be YYYY-MM-DD"))
        board = self.market.board(slug)
        if board is None or board.kind != kind:
            return Answer(formats.unknown_board(kind, query))
        with self._faults_lock:
            fault = self._faults.get(slug)
        try:
            if fault is None or not fault.applies_on(day):
                return Answer(_conditional(self._full_board(slug, day, query), if_none_match))
            return self._faulty(board, day, target, query, fault)
        except formats.BadQuery as bad:
            return Answer(formats.error(400, str(bad)))

    def _faulty(
        self, board: BoardSpec, day: date, target: str, query: Mapping[str, str], fault: Fault
    ) -> Answer:
        name, params = fault.name, fault.params
        if name == "timeout":
            return Answer(self._full_board(board.slug, day, query), delay_seconds=params["seconds"])
        if name == "http_500":
            return Answer(formats.error(500, "Internal Server Error"))
        if name == "http_503_then_ok":
            if fault.count_request() <= params["count"]:
                return Answer(formats.error(503, "Service Unavailable"))
            return Answer(self._full_board(board.slug, day, query))
        if name == "http_429":
            retry_after = (("Retry-After", str(int(params["seconds"]))),)
            return Answer(
                Rendered(429, formats.JSON_TYPE, b'{"error":"Too Many Requests"}', retry_after)
            )
        if name == "malformed":
            return Answer(formats.malformed(board.kind))
        if name == "html_instead_of_json":
            return Answer(formats.html_error_page())
        if name == "redirect_loop":
            return Answer(Rendered(302, formats.HTML_TYPE, b"", (("Location", target),)))
        if name in ("empty", "shrink"):
            postings = self.market.postings_on(board.slug, day, include_unlisted=True)
            kept = [] if name == "empty" else _sample(postings, params["keep"])
            return Answer(_with_etag(formats.render(board, day, kept, query)))
        full = self._full_board(board.slug, day, query)
        if name == "truncated":
            return Answer(full, truncate=True)
        assert name == "huge_body", name
        return Answer(
            full, padding_bytes=max(0, int(params["megabytes"] * 1024 * 1024) - len(full.body))
        )

    def _full_board(self, slug: str, day: date, query: Mapping[str, str]) -> Rendered:
        """The board's normal response, cached: the same request always gets the same bytes."""
        return self._render_full_board(slug, day, tuple(sorted(query.items())))

    def _render_uncached(
        self, slug: str, day: date, query: tuple[tuple[str, str], ...]
    ) -> Rendered:
        board = self.market.board(slug)
        assert board is not None
        return _with_etag(
            formats.render(
                board, day, self.market.postings_on(slug, day, include_unlisted=True), dict(query)
            )
        )

    def workday_job(self, slug: str, query: Mapping[str, str], path: str) -> Rendered:
        """A Workday board's job endpoint on the query's day (faults apply to the search only)."""
        board = self.market.board(slug)
        try:
            day = date.fromisoformat(query["date"]) if "date" in query else datetime.now(UTC).date()
        except ValueError:
            return formats.error(400, "date must be YYYY-MM-DD")
        if board is None or board.kind != "workday":
            return formats.error(404, "Not Found")
        return formats.workday_job(board, day, self.market.postings_on(slug, day), path)

    def wait(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True if it is stopping."""
        return self._stopping.wait(seconds)


def _sample(postings: tuple[Posting, ...], keep: float) -> list[Posting]:
    """A stable share of the postings: the same ones on every request."""
    return [p for p in postings if zlib.crc32(p.external_id.encode()) % 10_000 < keep * 10_000]


def _with_etag(rendered: Rendered) -> Rendered:
    etag = '"' + hashlib.sha1(rendered.body).hexdigest()[:20] + '"'
    return Rendered(
        rendered.status, rendered.content_type, rendered.body, rendered.headers + (("ETag", etag),)
    )


def _conditional(rendered: Rendered, if_none_match: str | None) -> Rendered:
    """304 Not Modified when the client already holds this exact body."""
    etag = dict(rendered.headers).get("ETag")
    if if_none_match is not None and etag is not None and if_none_match == etag:
        return Rendered(304, rendered.content_type, b"", (("ETag", etag),))
    return rendered


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: SimServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up early (timeouts, size guards) are expected: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive: a scraper's session reuses its connection
    server_version = "jobboard-sim/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
        """Quiet: tests and demos would drown in access logs."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if url.path == "/robots.txt":
            self._send(Rendered(200, "text/plain; charset=utf-8", ROBOTS_TXT))
        elif url.path == FAULTS_PATH:
            self._send_json(200, {"faults": self.server.sim.faults()})
        elif formats.WORKDAY_PATH.fullmatch(url.path):
            self._workday(url.path, query, None)
        elif (route := formats.route(url.path)) is not None:
            kind, slug = route
            self._deliver(
                self.server.sim.answer_board(
                    kind, slug, self.path, query, self.headers.get("If-None-Match")
                )
            )
        else:
            self._send(formats.error(404, "Not Found"))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if formats.WORKDAY_PATH.fullmatch(url.path):
            sent = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._workday(url.path, dict(parse_qsl(url.query, keep_blank_values=True)), sent)
            return
        if url.path != FAULTS_PATH:
            self._send(formats.error(404, "Not Found"))
            return
        try:
            request = json.loads(
                self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}"
            )
            if not isinstance(request, dict):
                raise ValueError("expected a JSON object")
            board, name = request.pop("board", None), request.pop("fault", None)
            if not isinstance(board, str) or not isinstance(name, str):
                raise ValueError('"board" and "fault" are required')
            fault = self.server.sim.set_fault(board, name, **request)
        except ValueError as invalid:  # json.JSONDecodeError is a ValueError
            self._send_json(400, {"error": str(invalid)})
            return
        self._send_json(201, {"fault": fault.to_json()})

    def do_DELETE(self) -> None:
        url = urlsplit(self.path)
        if url.path != FAULTS_PATH:
            self._send(formats.error(404, "Not Found"))
            return
        cleared = self.server.sim.clear_faults(dict(parse_qsl(url.query)).get("board"))
        self._send_json(200, {"cleared": cleared})

    def _workday(self, path: str, query: dict[str, str], sent: bytes | None) -> None:
        """Workday's CXS API: the search is a POST of `{"limit", "offset", ...}` to `/jobs`, a
        job is a GET; a site name the tenant does not have is a 400, as on Workday."""
        found = formats.WORKDAY_PATH.fullmatch(path)
        assert found is not None
        slug, site, rest = found["slug"], found["site"], found["rest"]
        if site != formats.WORKDAY_SITE:
            self._send(formats.error(400, f"invalid site {site!r}"))
        elif rest == "/jobs" and sent is not None:
            try:
                body = json.loads(sent or b"{}")
                window = {name: str(int(body.get(name, 0))) for name in ("offset", "limit")}
            except (ValueError, TypeError, AttributeError):
                self._send(formats.error(400, "expected a JSON search body"))
                return
            target = self.path
            self._deliver(
                self.server.sim.answer_board("workday", slug, target, {**query, **window}, None)
            )
        elif rest.startswith("/job/") and sent is None:
            self._send(self.server.sim.workday_job(slug, query, rest))
        else:
            self._send(formats.error(405, "Method Not Allowed"))

    def _deliver(self, answer: Answer) -> None:
        if answer.delay_seconds and self.server.sim.wait(answer.delay_seconds):
            self.close_connection = True
            return
        rendered = answer.rendered
        if answer.truncate:
            self._send_head(rendered, len(rendered.body))
            self.wfile.write(rendered.body[: len(rendered.body) // 2])
            self.close_connection = True
            return
        if answer.padding_bytes:
            self._send_head(rendered, len(rendered.body) + answer.padding_bytes)
            self.wfile.write(rendered.body)
            remaining = answer.padding_bytes
            while remaining > 0:
                chunk = _PADDING_CHUNK[:remaining]
                self.wfile.write(chunk)
                remaining -= len(chunk)
            return
        self._send(rendered)

    def _send_json(self, status: int, document: object) -> None:
        self._send(Rendered(status, formats.JSON_TYPE, json.dumps(document).encode()))

    def _send(self, rendered: Rendered) -> None:
        self._send_head(rendered, len(rendered.body))
        self.wfile.write(rendered.body)

    def _send_head(self, rendered: Rendered, content_length: int) -> None:
        self.send_response(rendered.status, HTTPStatus(rendered.status).phrase)
        self.send_header("Content-Type", rendered.content_type)
        self.send_header("Content-Length", str(content_length))
        for name, value in rendered.headers:
            self.send_header(name, value)
        self.end_headers()
