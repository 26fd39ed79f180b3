"""The one way sources talk to the network: polite to the boards, bounded for us.

Polite: an identifying User-Agent, a minimum interval between requests to one host (retries
included), robots.txt (RFC 9309, read by Protego) for the kinds that crawl web pages,
`Retry-After` honoured. Bounded: timeouts, a retry budget
with exponential backoff and jitter (urllib3's `Retry`, not a hand-written loop), a cap on
body size and redirects. Whatever goes wrong surfaces as one `SourceError` subclass that
names the board, the URL and the cause; never as a raw requests/urllib3 exception.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    InvalidHeader,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from jobboard_assets.sources.errors import (
    FetchError,
    HttpStatusError,
    MalformedResponseError,
    ResponseTooLargeError,
    RetryAfterTooLongError,
    RobotsDisallowedError,
    SourceError,
    TooManyRedirectsError,
    UnsupportedUrlError,
)
from jobboard_assets.sources.records import BoardConfig

DEFAULT_USER_AGENT = "jobboard-assets/0.1 (+https://github.com/jobboard-assets/jobboard-assets)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
ROBOTS_MAX_AGE_SECONDS = 24 * 3600  # RFC 9309: a robots.txt should not be cached for longer
_SCHEMES = ("http", "https")
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpSettings:
    """The client's knobs. Defaults suit real boards; tests use short timeouts and tiny backoff."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 4
    """Retries after the first attempt, on connection errors, timeouts, 429 and 5xx."""
    backoff_factor: float = 1.0
    """Sleep before retry n is backoff_factor * 2**(n-1) seconds (urllib3: the first is immediate)."""
    backoff_jitter: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 120.0
    """A longer `Retry-After` fails fast (`RetryAfterTooLongError`) instead of stalling the run."""
    min_interval: float = 1.0
    """Seconds between two requests to one host; a board's `min_interval_seconds` overrides it."""
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    robots_ttl: float = ROBOTS_MAX_AGE_SECONDS

    def __post_init__(self) -> None:
        if not 0 <= self.robots_ttl <= ROBOTS_MAX_AGE_SECONDS:
            raise ValueError(f"robots_ttl must be 0 to {ROBOTS_MAX_AGE_SECONDS} s (RFC 9309)")


@dataclass(frozen=True)
class Response:
    """A complete, size-checked response body and what parsers need to know about it."""

    board: str
    url: str
    """The final URL, after redirects: relative links resolve against it."""
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case ("" when absent)."""
        return self._content_type().get_content_type() if "content-type" in self.headers else ""

    @property
    def charset(self) -> str | None:
        """The charset the server declared, if any."""
        charset = self._content_type().get_param("charset")
        return charset if isinstance(charset, str) else None

    def malformed(self, expected: str, got: str) -> MalformedResponseError:
        """The error for a body that is not what the board kind promises."""
        return MalformedResponseError(
            f"malformed response: expected {expected}, got {got}",
            board=self.board,
            url=self.url,
            status=self.status,
        )

    def _content_type(self) -> Message:
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        return message


def with_query(url: str, params: Mapping[str, str | int]) -> str:
    """`url` with `params` set in its query string; its other parameters (`date=`...) are kept."""
    parts = urlsplit(url)
    pending = {name: str(value) for name, value in params.items()}
    query: list[tuple[str, str]] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in params:
            query.append((name, value))
        elif name in pending:
            query.append((name, pending.pop(name)))
    query.extend(pending.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def origin_of(url: str) -> str:
    """scheme://host[:port]: the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


_politeness = threading.local()
"""The wait for the host's next free slot, set per request: urllib3 retries in the calling
thread, so `_CappedRetry.sleep` finds the wait of the request it retries here."""


class _CappedRetry(Retry):
    """urllib3's Retry, except that a `Retry-After` above the cap stops retrying at once, and
    every retry waits for the host's minimum interval like a first request.

    urllib3's own `retry_after_max` would sleep for the cap; we would rather fail the board now
    with a clear error and let the next run try again.
    """

    def __init__(self, *args: Any, retry_after_cap: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after_cap = retry_after_cap

    def new(self, **kwargs: Any) -> Self:
        kwargs.setdefault("retry_after_cap", self.retry_after_cap)
        return super().new(**kwargs)

    def sleep(self, response: Any = None) -> None:
        """Backoff (or Retry-After), then the host's next free slot: a retry is a request too."""
        super().sleep(response)
        wait = getattr(_politeness, "wait", None)
        if wait is not None:
            wait()

    def get_retry_after(self, response: Any) -> float | None:
        """A malformed Retry-After is ignored (plain backoff) rather than failing the request."""
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def increment(
        self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any
    ) -> Self:
        response = kwargs.get("response")
        retry_after = self.get_retry_after(response) if response is not None else None
        if retry_after is not None and retry_after > self.retry_after_cap:
            raise MaxRetryError(
                # urllib3 types the pool as required, yet its own increment passes None too.
                kwargs.get("_pool"),  # type: ignore[arg-type]  # may be None, see above
                url or "",
                ResponseError("Retry-After above the cap"),
            )
        return super().increment(method, url, *args, **kwargs)


class _HostThrottle:
    """Keeps requests to one host at least an interval apart, across threads.

    Each caller books the host's next free slot under the lock and sleeps outside it, so waiting
    for one host never holds up requests to another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_free.get(host, now))
            self._next_free[host] = slot + interval
        if slot > now:
            time.sleep(slot - now)


@dataclass(frozen=True)
class _RobotsRules:
    rules: Protego | None
    """The host's parsed robots.txt; None when it has none (a 4xx: everything is allowed)."""
    fetched_at: float
    unavailable: str | None
    """Why robots.txt could not be read (then everything is disallowed), or None."""

    def allows(self, url: str, user_agent: str) -> bool:
        """RFC 9309 matching: `*` and `$` patterns, the longest matching rule wins, Allow on a
        tie; the group is the one naming our product token, else `*`."""
        if self.unavailable is not None:
            return False
        return self.rules is None or self.rules.can_fetch(url, user_agent)


class PoliteHttpClient:
    """One `requests.Session` with retries, politeness and limits; share it across boards.

    Thread-safe for concurrent `get` calls; `close()` (or `with`) releases its connections.
    """

    def __init__(self, settings: HttpSettings | None = None) -> None:
        self.settings = settings or HttpSettings()
        self._retry = _CappedRetry(
            total=self.settings.retries,
            status_forcelist=RETRY_STATUSES,
            # POST too: the only POST we send is Workday's job search, a read.
            allowed_methods=frozenset({"GET", "HEAD", "POST"}),
            backoff_factor=self.settings.backoff_factor,
            backoff_jitter=self.settings.backoff_jitter,
            backoff_max=self.settings.backoff_max,
            respect_retry_after_header=True,
            raise_on_status=False,  # the final error response comes back so we can describe it
            retry_after_cap=self.settings.max_retry_after,
        )
        self._session = requests.Session()
        self._session.max_redirects = self.settings.max_redirects
        adapter = HTTPAdapter(max_retries=self._retry)
        for scheme in _SCHEMES:
            self._session.mount(f"{scheme}://", adapter)
        self._throttle = _HostThrottle()
        self._robots: dict[str, _RobotsRules] = {}
        self._robots_lock = threading.Lock()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def get(self, board: BoardConfig, url: str, *, obey_robots_txt: bool = False) -> Response:
        """GET `url` for `board`: the whole body, or a `SourceError` saying what went wrong."""
        return self._request(board, url, obey_robots_txt=obey_robots_txt)

    def post_json(self, board: BoardConfig, url: str, payload: Mapping[str, Any]) -> Response:
        """POST `payload` as JSON to a search API that reads with POST (Workday's job search),
        with the same politeness, retries and limits as a GET."""
        return self._request(board, url, payload=payload)

    def _request(
        self,
        board: BoardConfig,
        url: str,
        *,
        obey_robots_txt: bool = False,
        payload: Mapping[str, Any] | None = None,
    ) -> Response:
        _require_http(board, url)
        if obey_robots_txt:
            self._check_robots(board, url)
        with self._open(board, url, payload) as raw:
            if raw.status_code >= 400:
                raise self._status_error(board, raw)
            body = self._read_body(board, raw)
            return Response(
                board.slug, raw.url, raw.status_code, dict(raw.headers.lower_items()), body
            )

    def _open(
        self, board: BoardConfig, url: str, payload: Mapping[str, Any] | None = None
    ) -> requests.Response:
        """Send the request (throttled, retried) and return the response with its body unread:
        a GET, or a POST of `payload` as JSON."""
        host = origin_of(url)
        interval = float(board.options.get("min_interval_seconds", self.settings.min_interval))
        self._throttle.wait(host, interval)
        timeouts = self._timeouts(board)
        _politeness.wait = lambda: self._throttle.wait(host, interval)
        try:
            return self._session.request(
                "GET" if payload is None else "POST",
                url,
                json=payload,
                headers={"User-Agent": self._user_agent(board)},
                timeout=timeouts,
                stream=True,
            )
        except (requests.RequestException, HTTPError) as error:
            raise self._transport_error(board, url, error, timeouts) from error
        finally:
            _politeness.wait = None

    def _read_body(self, board: BoardConfig, raw: requests.Response) -> bytes:
        """The body, streamed, refused as soon as it exceeds the cap; a cut-off body is an error."""
        limit = self.settings.max_bytes
        announced = raw.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > limit:
            raise ResponseTooLargeError(
                f"the server announces {int(announced):,} bytes, more than the {limit:,}-byte cap "
                "(HttpSettings.max_bytes); not downloading it",
                board=board.slug,
                url=raw.url,
                status=raw.status_code,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.iter_content(_CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLargeError(
                        f"the body exceeded the {limit:,}-byte cap (HttpSettings.max_bytes) while "
                        "downloading; stopped reading",
                        board=board.slug,
                        url=raw.url,
                        status=raw.status_code,
                    )
                chunks.append(chunk)
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as error:
            length = f" (Content-Length {int(announced):,})" if announced.isdigit() else ""
            raise MalformedResponseError(
                f"truncated or corrupt body{length}: {_describe_failure(error, self._timeouts(board))}; "
                "the listing is incomplete",
                board=board.slug,
                url=raw.url,
                status=raw.status_code,
            ) from error
        except (requests.RequestException, HTTPError) as error:
            raise self._transport_error(board, raw.url, error, self._timeouts(board)) from error
        return b"".join(chunks)

    def _check_robots(self, board: BoardConfig, url: str) -> None:
        origin = origin_of(url)
        rules = self._robots_rules(board, origin)
        user_agent = self._user_agent(board)
        if not rules.allows(url, user_agent):
            why = (
                f"{origin}/robots.txt could not be read ({rules.unavailable}), which means "
                "everything is disallowed (RFC 9309)"
                if rules.unavailable
                else f"{origin}/robots.txt disallows this URL for user agent {user_agent!r}"
            )
            raise RobotsDisallowedError(why, board=board.slug, url=url)

    def _robots_rules(self, board: BoardConfig, origin: str) -> _RobotsRules:
        """The host's robots.txt, fetched at most once per `robots_ttl` (two threads may race)."""
        with self._robots_lock:
            cached = self._robots.get(origin)
        if cached is not None and time.monotonic() - cached.fetched_at < self.settings.robots_ttl:
            return cached
        rules = self._fetch_robots(board, origin)
        with self._robots_lock:
            self._robots[origin] = rules
        return rules

    def _fetch_robots(self, board: BoardConfig, origin: str) -> _RobotsRules:
        """RFC 9309: a 4xx robots.txt allows everything; 5xx or unreachable disallows everything."""
        robots_url = f"{origin}/robots.txt"
        rules: Protego | None = None
        unavailable: str | None = None
        try:
            with self._open(board, robots_url) as raw:
                if raw.status_code >= 500:
                    unavailable = f"HTTP {raw.status_code}"
                elif raw.status_code < 400:
                    rules = Protego.parse(self._read_body(board, raw).decode("utf-8", "replace"))
        except SourceError as error:
            unavailable = error.problem
        return _RobotsRules(rules, time.monotonic(), unavailable)

    def _status_error(self, board: BoardConfig, raw: requests.Response) -> HttpStatusError:
        status = raw.status_code
        attempts = _attempts(raw)
        retry_after = self._retry.get_retry_after(raw.raw) if status in RETRY_STATUSES else None
        if retry_after is not None and retry_after > self.settings.max_retry_after:
            return RetryAfterTooLongError(
                f"HTTP {status}: the server asks us to retry after {retry_after:.0f} s, longer than "
                f"the {self.settings.max_retry_after:.0f} s we wait (HttpSettings.max_retry_after); "
                "not retrying now, try again later",
                retry_after=retry_after,
                board=board.slug,
                url=raw.url,
                status=status,
                attempts=attempts,
            )
        return HttpStatusError(
            f"HTTP {status} {raw.reason or ''}".rstrip()
            + f" after {attempts} attempt(s){_status_hint(status)}",
            board=board.slug,
            url=raw.url,
            status=status,
            attempts=attempts,
        )

    def _transport_error(
        self, board: BoardConfig, url: str, error: Exception, timeouts: tuple[float, float]
    ) -> SourceError:
        if isinstance(
            error,
            (
                requests.exceptions.InvalidSchema,
                requests.exceptions.MissingSchema,
                requests.exceptions.InvalidURL,
            ),
        ):
            return UnsupportedUrlError(
                f"cannot fetch this URL ({error}); only http and https URLs are supported",
                board=board.slug,
                url=url,
            )
        if isinstance(error, requests.exceptions.TooManyRedirects):
            return TooManyRedirectsError(
                f"more than {self.settings.max_redirects} redirects (a redirect loop?); last one to "
                f"{error.response.url if error.response is not None else url}",
                board=board.slug,
                url=url,
            )
        exhausted = isinstance(error.args[0] if error.args else None, MaxRetryError)
        attempts = self.settings.retries + 1 if exhausted else 1
        return FetchError(
            f"request failed after {attempts} attempt(s): {_describe_failure(error, timeouts)}",
            attempts=attempts,
            board=board.slug,
            url=url,
        )

    def _timeouts(self, board: BoardConfig) -> tuple[float, float]:
        """(connect, read) seconds; a board's `timeout_seconds` replaces the read timeout."""
        return self.settings.connect_timeout, float(
            board.options.get("timeout_seconds", self.settings.read_timeout)
        )

    def _user_agent(self, board: BoardConfig) -> str:
        return str(board.options.get("user_agent", self.settings.user_agent))


def _require_http(board: BoardConfig, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
        raise UnsupportedUrlError(
            f"unsupported URL {url!r}: only http:// and https:// URLs with a host are fetched",
            board=board.slug,
            url=url,
        )


def _attempts(raw: requests.Response) -> int:
    """How many times urllib3 sent the request that produced this response."""
    retries = getattr(raw.raw, "retries", None)
    return len(retries.history) + 1 if retries is not None else 1


def _status_hint(status: int) -> str:
    if status in (404, 410):
        return "; the board may have been renamed or closed: check its url in boards.yaml"
    if status in (401, 403):
        return "; the site refuses us (login wall or bot protection)"
    if status == 429:
        return "; rate limited: raise the board's options.min_interval_seconds"
    if status >= 500:
        return "; the server kept failing, try again later"
    return ""


def _describe_failure(error: Exception, timeouts: tuple[float, float]) -> str:
    """What a person needs to know about a transport failure, without the wrapper noise."""
    reason = _innermost(error)
    if isinstance(reason, NewConnectionError):
        return f"could not connect ({reason.__cause__ or reason})"
    if isinstance(reason, ConnectTimeoutError):
        return f"could not connect within the {timeouts[0]:g} s connect timeout"
    if isinstance(reason, ReadTimeoutError):
        return f"no data within the {timeouts[1]:g} s read timeout"
    if isinstance(reason, ProtocolError):  # args: (message, the underlying error)
        return f"the connection broke: {reason.args[-1]}"
    return str(reason)


def _innermost(error: BaseException) -> BaseException:
    """The urllib3 failure inside requests' wrappers (and MaxRetryError's `reason`)."""
    current = error
    while True:
        if isinstance(current, MaxRetryError) and current.reason is not None:
            current = current.reason
        elif (
            isinstance(current, requests.RequestException)
            and current.args
            and isinstance(current.args[0], BaseException)
        ):
            current = current.args[0]
        else:
            return current
