"""Every way reading a board can fail, as typed errors whose messages a person can act on.

Callers branch on the type (retry later, fix `boards.yaml`, suppress "gone" detection); the
message names the board, the URL and what to do, because it ends up in run logs as is.
"""

from __future__ import annotations


class RegistryError(ValueError):
    """`boards.yaml` is invalid; the message lists every problem, each naming board and field."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the board registry:\n{listing}")


class SourceError(Exception):
    """A board could not be read; `board`, `url` and `status` say where it failed."""

    def __init__(
        self,
        problem: str,
        *,
        board: str | None = None,
        url: str | None = None,
        status: int | None = None,
        attempts: int | None = None,
    ) -> None:
        self.problem = problem
        self.board = board
        self.url = url
        self.status = status
        self.attempts = attempts
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message: board, problem, then the URL it concerns."""
        where = f"board '{self.board}': " if self.board else ""
        target = f" [GET {self.url}]" if self.url else ""
        return f"{where}{self.problem}{target}"


class FetchError(SourceError):
    """No usable response: connection refused, timeout, DNS, retries exhausted."""


class HttpStatusError(SourceError):
    """The server answered with an error status (after any retries)."""


class RetryAfterTooLongError(HttpStatusError):
    """The server asked us to come back later than we are willing to wait in one run."""

    def __init__(
        self,
        problem: str,
        *,
        retry_after: float | None = None,
        board: str | None = None,
        url: str | None = None,
        status: int | None = None,
        attempts: int | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(problem, board=board, url=url, status=status, attempts=attempts)


class ResponseTooLargeError(SourceError):
    """The body is larger than the configured cap (announced or while streaming)."""


class TooManyRedirectsError(SourceError):
    """More redirects than allowed, usually a redirect loop."""


class UnsupportedUrlError(SourceError):
    """Only http and https URLs are fetched (also as redirect targets)."""


class RobotsDisallowedError(SourceError):
    """The site's robots.txt does not allow our user agent to fetch this URL."""


class MalformedResponseError(SourceError):
    """The body is not what the board kind promises: wrong shape, invalid syntax, truncated.

    A scrape that ends with this error listed nothing trustworthy: callers must not infer that
    postings disappeared from it.
    """


class TooManyPagesError(SourceError):
    """Paging did not end within `max_pages`; a partial listing would look like closed postings."""


class NotDateAddressableError(SourceError):
    """A board without `{date}` in its URL only shows today's listing; no other day can be read."""

    def describe(self) -> str:
        return f"board '{self.board}' {self.problem}"


class TooManyUnusableRecordsError(MalformedResponseError):
    """More of a listing's records than the board's `max_unusable_share` cannot be used (no id,
    no title): the listing is more likely broken than a few postings odd, so the day fails."""
