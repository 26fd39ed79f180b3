"""Secrets come from the environment and stay there.

The warehouse password (in JOBBOARD_DATABASE_URL) and the API token (JOBBOARD_API_TOKEN) must not
reach the Dagster event log, run config or tags, Python logs or captured output, or any warehouse
table; and credentials in a URL that ends up in an error message are masked before the message
is logged or mirrored into pipeline_jobs / pipeline_runs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from jobboard_assets.lib.redact import mask_credentials
from jobboard_assets.lib.tags import EXECUTION_TAG
from jobboard_assets.warehouse.db import make_engine
from jobboard_assets.warehouse.models import Base
from jobboard_assets_tests.api.conftest import live_server
from jobboard_assets_tests.conftest import ON_POSTGRES
from jobboard_assets_tests.platform import Platform
from jobboard_assets_tests.reliability.state import day
from jobboard_assets_tests.reliability.support import closed_port

pytestmark = pytest.mark.slow
PASSWORD = "S3cret-Pa55"
TOKEN = "tok-S3cret-0123456789abcdef"


def recorded_text(platform: Platform, execution_id: str) -> dict[str, str]:
    """Everything Dagster recorded about an execution's runs, by where it is, as text."""
    texts: dict[str, str] = {}
    for run in platform.instance.get_runs():
        if run.tags.get(EXECUTION_TAG) != execution_id:
            continue
        texts[f"run {run.run_id} config"] = json.dumps(run.run_config, default=str)
        texts[f"run {run.run_id} tags"] = json.dumps(dict(run.tags))
        texts[f"run {run.run_id} events"] = "\n".join(
            entry.to_json() for entry in platform.instance.all_logs(run.run_id)
        )
    for path in platform.home.rglob("*"):  # compute logs, local storage
        if path.is_file() and path.name != "dagster.yaml":
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    return texts


def warehouse_text(platform: Platform) -> dict[str, str]:
    """Every row of every warehouse table, as text, by table."""
    with platform.engine.connect() as connection:
        return {
            f"table {table.name}": "\n".join(
                repr(tuple(row)) for row in connection.execute(select(table))
            )
            for table in Base.metadata.sorted_tables
        }


def assert_nowhere(secret: str, texts: dict[str, str]) -> None:
    assert [place for place, text in texts.items() if secret in text] == []


@ON_POSTGRES
def test_the_password_and_the_token_never_leave_the_environment(
    jobboard_platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Run Now through the API with the token, then the execution it requested, with a
    password in the warehouse URL (local PostgreSQL trusts the connection and ignores it)."""
    platform = jobboard_platform
    url = make_url(platform.warehouse_url).set(password=PASSWORD)
    monkeypatch.setenv("JOBBOARD_DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.setenv("JOBBOARD_API_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    engine = make_engine(url)
    try:
        with live_server(engine, TOKEN) as base_url:
            response = requests.post(
                f"{base_url}/api/pipeline",
                json={"action": "run"},
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=30,
            )
        assert response.ok, response.text
        execution_id = response.json()["data"]["runId"]
        row = platform.run(day(1), execution_id=execution_id, trigger="api")
    finally:
        engine.dispose()
    assert row["status"] == "completed", row["errors"]

    captured = capfd.readouterr()
    texts = {
        **recorded_text(platform, execution_id),
        **warehouse_text(platform),
        "python logs": caplog.text,
        "stdout": captured.out,
        "stderr": captured.err,
        "pipeline_runs row": json.dumps(row, default=str),
    }
    assert len([place for place in texts if place.endswith(" events")]) == 2  # scrape, history
    assert_nowhere(PASSWORD, texts)
    assert_nowhere(TOKEN, texts)


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)  # masking is backend-blind
def test_credentials_in_a_failing_url_are_masked_wherever_the_error_goes(
    jobboard_platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """A board whose URL carries credentials (a private feed) fails: the error names the URL,
    the password does not reach the event log, Python logs, pipeline_jobs or pipeline_runs."""
    platform = jobboard_platform
    board = platform.registry[0]
    private = f"feeds:{PASSWORD}@127.0.0.1:{closed_port()}"
    platform.registry = [
        dataclasses.replace(board, url=board.url.replace(urlsplit(board.url).netloc, private, 1))
    ]
    caplog.set_level(logging.DEBUG)
    row = platform.run(day(1), execution_id="private-feed")

    assert row["status"] == "partial"  # the board failed, the history phases ran
    (job,) = [job for job in row["jobs"] if job["jobType"] == "scrape"]
    assert "could not connect" in job["error"] and "feeds:***@127.0.0.1" in job["error"]
    texts = {
        **recorded_text(platform, "private-feed"),
        "pipeline_runs and pipeline_jobs": "\n".join(
            text for name, text in warehouse_text(platform).items() if name != "table job_boards"
        ),  # job_boards.url is the registry entry as configured, credentials included
        "python logs": caplog.text,
    }
    assert_nowhere(PASSWORD, texts)


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        (
            "failed [GET https://feeds:p4ss@example.com/jobs?date=2026-01-01]",
            "failed [GET https://feeds:***@example.com/jobs?date=2026-01-01]",
        ),
        (
            "could not connect to postgresql+psycopg2://jobboard:secret@db.internal:5432/jobs",
            "could not connect to postgresql+psycopg2://jobboard:***@db.internal:5432/jobs",
        ),
        (
            "GET https://api.example/jobs?api_key=abc123&page=2 failed",
            "GET https://api.example/jobs?api_key=***&page=2 failed",
        ),
        ("GET https://x.example/feed?token=t0k#top", "GET https://x.example/feed?token=***#top"),
        ("dsn host=db password=hunter2 user=x", "dsn host=db password=*** user=x"),
        ("postgresql://postgres@127.0.0.1/jobs has no password", None),
        ("HTTP 500 after 5 attempt(s) [GET http://127.0.0.1:8765/jobs?page=2]", None),
    ],
)
def test_mask_credentials(message: str, masked: str | None) -> None:
    assert mask_credentials(message) == (masked or message)
