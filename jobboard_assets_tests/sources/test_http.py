"""The polite client against a real server on 127.0.0.1: retries, limits, politeness, errors."""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from dataclasses import replace
from typing import Any

import pytest

from jobboard_assets.sources.errors import (
    FetchError,
    HttpStatusError,
    MalformedResponseError,
    ResponseTooLargeError,
    RetryAfterTooLongError,
    RobotsDisallowedError,
    TooManyRedirectsError,
    UnsupportedUrlError,
)
from jobboard_assets.sources.http import (
    DEFAULT_USER_AGENT,
    HttpSettings,
    PoliteHttpClient,
    with_query,
)
from jobboard_assets_tests.http_server import LoopbackServer, Reply
from jobboard_assets_tests.sources.conftest import FAST_SETTINGS, make_board


def client_with(**changes: Any) -> PoliteHttpClient:
    return PoliteHttpClient(replace(FAST_SETTINGS, **changes))


def test_identifies_itself_with_a_contact_url(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply.json({"jobs": []}))
    client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))
    client.get(
        make_board("greenhouse", server.url("/jobs"), user_agent="acme-bot/2 (+mailto:ops@x)"),
        server.url("/jobs"),
    )

    first, second = server.requests_to("/jobs")
    assert first.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert "+https://" in DEFAULT_USER_AGENT
    assert second.headers["User-Agent"] == "acme-bot/2 (+mailto:ops@x)"


def test_a_503_is_retried_and_the_next_answer_used(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply(503, "busy"), Reply.json({"jobs": [1]}))

    response = client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))

    assert json.loads(response.body) == {"jobs": [1]}
    assert len(server.requests_to("/jobs")) == 2


def test_a_persistent_5xx_fails_with_status_and_attempts(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply(529, "overloaded"))

    with pytest.raises(HttpStatusError) as caught:
        client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))

    error = caught.value
    assert (error.board, error.status, error.attempts) == ("acme", 529, 3)
    assert len(server.requests_to("/jobs")) == 3
    assert "board 'acme'" in str(error) and "HTTP 529" in str(error) and "3 attempt" in str(error)
    assert server.url("/jobs") in str(error)


def test_a_404_is_not_retried_and_says_what_to_check(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    with pytest.raises(HttpStatusError) as caught:
        client.get(make_board("greenhouse", server.url("/gone")), server.url("/gone"))

    assert caught.value.status == 404
    assert len(server.requests_to("/gone")) == 1
    assert "check its url" in str(caught.value)


def test_429_waits_at_least_retry_after(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/jobs", Reply(429, headers={"Retry-After": "1"}), Reply.json({"jobs": []}))

    started = time.monotonic()
    client.get(make_board("lever", server.url("/jobs")), server.url("/jobs"))
    elapsed = time.monotonic() - started

    assert elapsed >= 1.0
    first, second = server.requests_to("/jobs")
    assert second.received_at - first.received_at >= 1.0


def test_a_retry_after_above_the_cap_fails_fast(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    """No clock needed: waiting out the hour would run into the test's timeout and fail it."""
    server.route("/jobs", Reply(429, headers={"Retry-After": "3600"}), Reply.json({"jobs": []}))

    with pytest.raises(RetryAfterTooLongError) as caught:
        client.get(make_board("lever", server.url("/jobs")), server.url("/jobs"))

    assert len(server.requests_to("/jobs")) == 1
    assert caught.value.retry_after == 3600 and caught.value.status == 429
    assert "3600 s" in str(caught.value) and "try again later" in str(caught.value)


@pytest.mark.parametrize("kind", ["rss", "html"])
def test_robots_txt_disallow_is_honoured_for_crawled_kinds(
    server: LoopbackServer, client: PoliteHttpClient, kind: str
) -> None:
    server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /private/\n"))
    server.route("/private/feed", Reply(200, "<rss/>"))
    server.route("/public/feed", Reply(200, "<rss/>"))
    board = make_board(kind, server.url("/private/feed"))

    with pytest.raises(RobotsDisallowedError) as caught:
        client.get(board, server.url("/private/feed"), obey_robots_txt=True)
    client.get(board, server.url("/public/feed"), obey_robots_txt=True)

    assert server.requests_to("/private/feed") == []
    assert "disallows" in str(caught.value)
    assert len(server.requests_to("/robots.txt")) == 1  # cached per host


def test_robots_txt_groups_are_matched_by_our_product_token(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route(
        "/robots.txt",
        Reply(200, "User-agent: jobboard-assets\nDisallow: /\n\nUser-agent: *\nAllow: /\n"),
    )
    server.route("/feed", Reply(200, "<rss/>"))

    with pytest.raises(RobotsDisallowedError):
        client.get(
            make_board("rss", server.url("/feed")), server.url("/feed"), obey_robots_txt=True
        )


ROBOTS_9309 = """User-agent: *
Disallow: /private
Allow: /private/open$
Disallow: /*.pdf$

User-agent: jobboard-assets
Allow: /jobs
Disallow: /jobs/*/apply
Disallow: /
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/jobs/42", True),  # our group: Allow /jobs
        ("/jobs/42/apply", False),  # the longest match wins over the shorter Allow
        ("/other", False),  # our group's Disallow /, not `*`'s silence
    ],
)
def test_robots_txt_follows_rfc_9309_for_our_group(
    server: LoopbackServer, client: PoliteHttpClient, path: str, allowed: bool
) -> None:
    server.route("/robots.txt", Reply(200, ROBOTS_9309))
    server.route(path, Reply(200, "<rss/>"))
    board = make_board("rss", server.url(path))

    if allowed:
        client.get(board, server.url(path), obey_robots_txt=True)
    else:
        with pytest.raises(RobotsDisallowedError):
            client.get(board, server.url(path), obey_robots_txt=True)
    assert len(server.requests_to(path)) == (1 if allowed else 0)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/private/open", True),  # the longer Allow wins
        ("/private/open/more", False),  # `$` anchors the Allow at the end
        ("/private/closed", False),
        ("/docs/list.pdf", False),  # `*` matches any run of characters
        ("/docs/list.pdf?page=2", True),  # `$`: the URL does not end in .pdf
    ],
)
def test_robots_txt_wildcards_and_end_anchors_for_other_agents(
    server: LoopbackServer, client: PoliteHttpClient, path: str, allowed: bool
) -> None:
    server.route("/robots.txt", Reply(200, ROBOTS_9309))
    server.route(path.split("?")[0], Reply(200, "<rss/>"))
    board = make_board("rss", server.url(path), user_agent="OtherBot/1.0")

    if allowed:
        client.get(board, server.url(path), obey_robots_txt=True)
    else:
        with pytest.raises(RobotsDisallowedError):
            client.get(board, server.url(path), obey_robots_txt=True)


def test_a_retry_waits_for_the_hosts_minimum_interval(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply(503, "busy"), Reply.json([]))
    board = make_board("lever", server.url("/jobs"), min_interval_seconds=0.4)

    client.get(board, server.url("/jobs"))  # backoff is ~10 ms in these tests

    first, retry = server.requests_to("/jobs")
    assert retry.received_at - first.received_at >= 0.38  # 20 ms for the connections' setup


def test_a_missing_robots_txt_allows_everything(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/robots.txt", Reply(404, "not found"))
    server.route("/feed", Reply(200, "<rss/>"))

    response = client.get(
        make_board("rss", server.url("/feed")), server.url("/feed"), obey_robots_txt=True
    )

    assert response.status == 200


def test_a_failing_robots_txt_disallows_everything(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/robots.txt", Reply(500, "oops"))
    server.route("/feed", Reply(200, "<rss/>"))

    with pytest.raises(RobotsDisallowedError) as caught:
        client.get(
            make_board("html", server.url("/feed")), server.url("/feed"), obey_robots_txt=True
        )

    assert server.requests_to("/feed") == []
    assert "could not be read (HTTP 500)" in str(caught.value)


def test_api_kinds_do_not_consult_robots_txt(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /\n"))
    server.route("/jobs", Reply.json({"jobs": []}))

    client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))

    assert server.requests_to("/robots.txt") == []


@pytest.mark.parametrize(
    "announce_length", [True, False], ids=["content-length", "no-content-length"]
)
def test_an_oversized_body_is_refused(server: LoopbackServer, announce_length: bool) -> None:
    server.route("/big", Reply(200, b"x" * 5000, content_length=announce_length))

    with client_with(max_bytes=1000) as small, pytest.raises(ResponseTooLargeError) as caught:
        small.get(make_board("greenhouse", server.url("/big")), server.url("/big"))

    assert "1,000-byte cap" in str(caught.value)
    assert ("announces 5,000 bytes" in str(caught.value)) is announce_length


def test_a_body_cut_short_is_malformed_not_a_raw_exception(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    body = json.dumps({"jobs": [{"id": n, "title": "Engineer"} for n in range(200)]})
    server.route("/jobs", Reply(200, body, cut_after=100))

    with pytest.raises((MalformedResponseError, FetchError)) as caught:
        client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))

    message = str(caught.value)
    assert "truncated" in message and f"Content-Length {len(body):,}" in message
    assert "IncompleteRead(100 bytes read" in message


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/jobs.json", "file:///etc/passwd", "javascript:alert(1)", "//no-scheme"],
)
def test_only_http_urls_are_fetched(client: PoliteHttpClient, url: str) -> None:
    with pytest.raises(UnsupportedUrlError) as caught:
        client.get(make_board("greenhouse", url), url)

    assert caught.value.url == url and "only http" in str(caught.value)


def test_a_redirect_to_another_scheme_is_refused(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply(302, headers={"Location": "file:///etc/passwd"}))

    with pytest.raises(UnsupportedUrlError):
        client.get(make_board("greenhouse", server.url("/jobs")), server.url("/jobs"))


def test_a_redirect_loop_fails(server: LoopbackServer, client: PoliteHttpClient) -> None:
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(301, headers={"Location": "/a"}))

    with pytest.raises(TooManyRedirectsError) as caught:
        client.get(make_board("greenhouse", server.url("/a")), server.url("/a"))

    assert "more than 5 redirects" in str(caught.value)
    assert len(server.requests_to("/a")) + len(server.requests_to("/b")) == 6


def test_a_redirect_within_the_limit_is_followed(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/old", Reply(301, headers={"Location": "/new"}))
    server.route("/new", Reply.json({"jobs": []}))

    response = client.get(make_board("greenhouse", server.url("/old")), server.url("/old"))

    assert response.url == server.url("/new")


def test_connection_refused_is_a_fetch_error_after_retries(client: PoliteHttpClient) -> None:
    url = f"http://127.0.0.1:{closed_port()}/jobs"

    with pytest.raises(FetchError) as caught:
        client.get(make_board("greenhouse", url), url)

    assert caught.value.attempts == 3
    assert "could not connect" in str(caught.value) and "3 attempt" in str(caught.value)


def test_a_read_timeout_is_a_fetch_error(server: LoopbackServer) -> None:
    server.route("/slow", Reply.json({"jobs": []}, delay=1.0))

    with client_with(read_timeout=0.2, retries=1) as impatient, pytest.raises(FetchError) as caught:
        impatient.get(make_board("greenhouse", server.url("/slow")), server.url("/slow"))

    assert "0.2 s read timeout" in str(caught.value) and caught.value.attempts == 2


def test_requests_to_one_host_keep_the_minimum_interval(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply.json({"jobs": []}))
    board = make_board("lever", server.url("/jobs"), min_interval_seconds=0.4)

    client.get(board, server.url("/jobs"))
    client.get(board, server.url("/jobs?skip=100"))

    first, second = server.requests_to("/jobs")
    assert second.received_at - first.received_at >= 0.38  # 20 ms for the two connections' setup


def test_the_interval_holds_across_threads(
    server: LoopbackServer, client: PoliteHttpClient
) -> None:
    server.route("/jobs", Reply.json({"jobs": []}))
    board = make_board("lever", server.url("/jobs"), min_interval_seconds=0.2)

    threads = [
        threading.Thread(target=client.get, args=(board, server.url("/jobs"))) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    times = sorted(request.received_at for request in server.requests_to("/jobs"))
    assert len(times) == 3
    assert all(later - earlier >= 0.18 for earlier, later in itertools.pairwise(times))


def test_the_interval_is_per_host() -> None:
    """An hour's interval: were it shared between hosts, the second request would wait it out
    and run into the test's timeout, so no clock is read."""
    with (
        LoopbackServer() as one,
        LoopbackServer() as other,
        client_with(min_interval=3600.0) as polite,
    ):
        for server in (one, other):
            server.route("/jobs", Reply.json({"jobs": []}))
        polite.get(make_board("lever", one.url("/jobs")), one.url("/jobs"))
        polite.get(make_board("lever", other.url("/jobs")), other.url("/jobs"))

        assert len(one.requests_to("/jobs")) == len(other.requests_to("/jobs")) == 1


def test_with_query_merges_paging_into_existing_parameters() -> None:
    url = "https://api.example/v0/postings/acme?mode=json&date=2026-11-01&limit=5"

    assert with_query(url, {"limit": 100, "skip": 200}) == (
        "https://api.example/v0/postings/acme?mode=json&date=2026-11-01&limit=100&skip=200"
    )


def test_robots_cache_cannot_exceed_a_day() -> None:
    with pytest.raises(ValueError, match="RFC 9309"):
        HttpSettings(robots_ttl=2 * 24 * 3600)


def closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
