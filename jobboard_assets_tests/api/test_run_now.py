"""POST /api/pipeline (Run Now) over real HTTP: refused without the configured token, recorded with it."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, func, update

from jobboard_assets.api.app import ENDPOINTS
from jobboard_assets.api.openapi import openapi_document
from jobboard_assets.api.run_routes import PIPELINE, RATE_LIMIT_RULE
from jobboard_assets.cli.serve_api import API_TOKEN_ENV
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import PipelineRun
from jobboard_assets.warehouse.queries import run_records as pipeline_queries
from jobboard_assets_tests.api.conftest import TOKEN, Serve
from jobboard_assets_tests.reliability.support import BIN, REPO, wait_for

RUN = {"action": "run"}


def post(base_url: str, *, headers: dict[str, str] | None = None, **body: Any) -> requests.Response:
    return requests.post(
        base_url + "/api/pipeline", headers=headers, timeout=30, **(body or {"json": RUN})
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def run_ids(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return [run["runId"] for run in pipeline_queries.run_history(session, 100)]


def test_without_a_configured_token_every_post_is_forbidden(serve: Serve, seeded: Engine) -> None:
    base_url = serve(api_token=None)
    before = run_ids(seeded)
    for headers in (None, bearer(""), bearer(TOKEN), bearer("None")):
        response = post(base_url, headers=headers)
        assert response.status_code == 403
        assert response.json() == {
            "success": False,
            "error": "Run Now is disabled: the server has no JOBBOARD_API_TOKEN",
        }
    assert run_ids(seeded) == before
    # An empty token is no token.
    assert post(serve(api_token=""), headers=bearer("")).status_code == 403


WRONG_AUTHORIZATIONS = {
    "missing": None,
    "wrong": bearer("wrong-token"),
    "prefix": bearer(TOKEN[:-1]),
    "longer": bearer(TOKEN + "x"),
    "no scheme": {"Authorization": TOKEN},
    "basic": {"Authorization": f"Basic {TOKEN}"},
    "empty": bearer(""),
}


def test_a_missing_or_wrong_token_is_401(base_url: str, seeded: Engine) -> None:
    before = run_ids(seeded)
    for case, headers in WRONG_AUTHORIZATIONS.items():
        response = post(base_url, headers=headers)
        assert response.status_code == 401, case
        assert response.headers["www-authenticate"].startswith("Bearer"), case
        assert response.json()["success"] is False, case
        assert TOKEN not in response.text, case
    assert run_ids(seeded) == before


def test_the_right_token_records_a_running_execution_seen_in_history(
    base_url: str, seeded: Engine
) -> None:
    response = post(base_url, headers=bearer(TOKEN))
    assert response.status_code == 202
    run = response.json()["data"]
    assert run["runId"].startswith("api-")
    assert (run["status"], run["trigger"], run["totalJobs"], run["jobs"], run["dagsterRunIds"]) == (
        "running",
        "api",
        0,
        [],
        [],
    )
    history = requests.get(base_url + "/api/pipeline?action=history", timeout=30).json()["data"]
    assert history[0]["runId"] == run["runId"]
    assert history[0]["status"] == "running"
    # A second request while today's is running is refused with the running one (a double
    # click must not scrape every board twice).
    second = post(base_url, headers=bearer(TOKEN))
    assert second.status_code == 409
    assert second.json()["success"] is False
    assert second.json()["data"]["runId"] == run["runId"]
    assert run["runId"] in second.json()["error"]
    assert run_ids(seeded)[0] == run["runId"]
    assert run_ids(seeded).count(run["runId"]) == 1


def test_an_unlaunched_request_expires_with_the_reason(
    serve: Serve, seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBBOARD_RUN_REQUEST_TIMEOUT_SECONDS", "0")
    base_url = serve()
    first = post(base_url, headers=bearer(TOKEN)).json()["data"]
    # No daemon launched it: past the timeout it is failed, and no longer blocks a new request.
    second = post(base_url, headers=bearer(TOKEN))
    assert second.status_code == 202
    with session_scope(seeded) as session:
        expired = pipeline_queries.get_pipeline_run(session, first["runId"])
    assert expired is not None
    assert expired["status"] == "failed" and expired["endTime"] is not None
    assert "not launched within 0 s" in expired["errors"][0]
    assert "dagster-daemon" in expired["errors"][0]


def test_only_accepted_requests_count_towards_the_rate_limit(
    serve: Serve, seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBBOARD_RUN_NOW_PER_MINUTE", "2")
    base_url = serve()
    # Refused while the first runs: the 409s do not count.
    statuses = [post(base_url, headers=bearer(TOKEN)).status_code for _ in range(4)]
    assert statuses == [202, 409, 409, 409]
    # The first expires unlaunched; the next is the second accepted in the minute.
    monkeypatch.setenv("JOBBOARD_RUN_REQUEST_TIMEOUT_SECONDS", "0")
    assert post(base_url, headers=bearer(TOKEN)).status_code == 202
    limited = post(base_url, headers=bearer(TOKEN))
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 61
    assert "at most 2 Run Now requests a minute" in limited.json()["error"]
    assert TOKEN not in limited.text
    # A wrong token is still told it is wrong, not limited.
    assert post(base_url, headers=bearer("wrong-token")).status_code == 401


def test_the_rate_limit_is_one_rule_written_the_same_everywhere() -> None:
    openapi = json.dumps(openapi_document(ENDPOINTS, run_now_path=PIPELINE.path, path="/"))
    for text in (
        (REPO / "README.md").read_text(),
        (REPO / "docs" / "run-records.md").read_text(),
        (REPO / "docs" / "api.md").read_text(),
        openapi,
    ):
        assert RATE_LIMIT_RULE in " ".join(text.split())


@contextmanager
def api_process(engine: Engine, log: Path) -> Iterator[str]:
    """`jobboard api` in a process of its own on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "JOBBOARD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        API_TOKEN_ENV: TOKEN,
        "JOBBOARD_RUN_NOW_PER_MINUTE": "100",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [BIN / "jobboard", "api", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_for("jobboard api to listen", lambda: _answers(base_url), timeout=60, interval=0.2)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=30)


def _answers(base_url: str) -> bool:
    try:
        return requests.get(base_url + "/api/openapi.json", timeout=5).ok
    except requests.ConnectionError:
        return False


def test_two_api_processes_accept_one_of_two_simultaneous_requests(
    seeded: Engine, tmp_path: Path
) -> None:
    """The database decides: each round, both processes get a Run Now at the same moment."""
    with (
        api_process(seeded, tmp_path / "api-1.log") as first,
        api_process(seeded, tmp_path / "api-2.log") as second,
        ThreadPoolExecutor(2) as pool,
    ):
        for _ in range(5):
            start = threading.Barrier(2)

            def at_once(base_url: str, start: threading.Barrier = start) -> requests.Response:
                start.wait()
                return post(base_url, headers=bearer(TOKEN))

            answers = list(pool.map(at_once, [first, second]))
            assert sorted(answer.status_code for answer in answers) == [202, 409]
            accepted = next(a for a in answers if a.status_code == 202).json()["data"]
            refused = next(a for a in answers if a.status_code == 409).json()["data"]
            assert refused["runId"] == accepted["runId"]
            with session_scope(seeded) as session:  # the execution ends: the next may start
                session.execute(
                    update(PipelineRun)
                    .where(PipelineRun.run_id == accepted["runId"])
                    .values(status="completed", end_time=func.now())
                )


NOT_THE_RUN_OBJECT = 'the body must be the JSON object {"action": "run"}'
BAD_BODIES: dict[str, tuple[dict[str, Any], str]] = {
    "text": ({"data": "not json"}, "not valid JSON"),
    "empty": ({"data": b""}, "not valid JSON"),
    "binary": ({"data": b"\xff\xfe"}, "not valid JSON"),
    "huge": ({"data": "[" * 100_000}, "at most 4096 bytes"),
    "deep": ({"data": "[" * 2000 + "]" * 2000}, NOT_THE_RUN_OBJECT),
    "array": ({"json": ["run"]}, NOT_THE_RUN_OBJECT),
    "unknown action": ({"json": {"action": "stop"}}, NOT_THE_RUN_OBJECT),
    "extra key": ({"json": {"action": "run", "boards": ["x"]}}, NOT_THE_RUN_OBJECT),
    "no action": ({"json": {}}, NOT_THE_RUN_OBJECT),
}


def test_a_bad_body_with_the_right_token_is_400(base_url: str, seeded: Engine) -> None:
    before = run_ids(seeded)
    for case, (body, message) in BAD_BODIES.items():
        response = post(base_url, headers=bearer(TOKEN), **body)
        assert response.status_code == 400, case
        assert message in response.json()["error"], case
        assert "Traceback" not in response.text, case
    assert run_ids(seeded) == before


def test_the_token_is_never_logged(base_url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        assert post(base_url, headers=bearer(TOKEN)).status_code == 202
        assert post(base_url, headers=bearer("guessed-token")).status_code == 401
    assert "POST /api/pipeline" in caplog.text  # the access log was captured
    assert TOKEN not in caplog.text
    assert "guessed-token" not in caplog.text
