"""A real HTTP server on 127.0.0.1 for tests, so clients are tested over real sockets, not mocks.

    with LoopbackServer() as server:
        server.route("/jobs", Reply(503), Reply.json({"jobs": []}))  # a 503, then 200s for good
        fetch(server.url("/jobs?content=true"))
        assert len(server.requests_to("/jobs")) == 2

A route answers its requests with its replies in order; the last reply repeats. A reply may
also be a function of the `Request` (paging by query parameters, echoing headers). Paths
without a route get a 404. `Reply` can delay, announce a Content-Length and close the
connection mid-body, or omit Content-Length so the body ends when the connection closes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Reply:
    """What the server answers to one request."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (read-timeout tests)."""
    cut_after: int | None = None
    """Send only this many body bytes, then close, while Content-Length announces the whole body."""
    content_length: bool = True
    """False: no Content-Length header; the body ends when the server closes the connection."""

    @classmethod
    def json(cls, payload: Any, status: int = 200, **options: Any) -> Reply:
        """A JSON body with its Content-Type."""
        headers = {"Content-Type": "application/json", **options.pop("headers", {})}
        return cls(status, json.dumps(payload), headers, **options)

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Request:
    """A request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: Mapping[str, str]
    received_at: float
    """time.monotonic() when the request line arrived."""
    method: str = "GET"
    body: bytes = b""
    """What a POST sent (Workday's search reads with POST)."""

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[Request], Reply]


class LoopbackServer:
    """A threaded HTTP/1.0 server on 127.0.0.1 and a free port, for one test."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply | Handler]] = {}
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def route(self, path: str, *replies: Reply | Handler) -> None:
        """Answer requests to `path` (query ignored) with `replies` in turn, the last one repeating."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes[path] = list(replies)
            self._served[path] = 0

    def url(self, path_and_query: str) -> str:
        return f"{self.base_url}{path_and_query}"

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def _reply_to(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            replies = self._routes.get(request.path)
            if replies is None:
                return Reply(404, "no route")
            served = self._served[request.path]
            self._served[request.path] = served + 1
            reply = replies[min(served, len(replies) - 1)]
        return reply if isinstance(reply, Reply) else reply(request)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up early (timeouts, size caps) are part of the tests, not errors."""


def _handler_for(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer("GET", b"")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._answer("POST", self.rfile.read(length))

        def _answer(self, method: str, sent: bytes) -> None:
            parts = urlsplit(self.path)
            request = Request(
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers=dict(self.headers.items()),
                received_at=time.monotonic(),
                method=method,
                body=sent,
            )
            reply = server._reply_to(request)
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body_bytes
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.content_length and not any(
                name.lower() == "content-length" for name in reply.headers
            ):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if reply.cut_after is None else body[: reply.cut_after])

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            """Quiet: pytest output is for failures."""

    return _Handler
