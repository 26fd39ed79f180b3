"""`jobboard scores` (the same report as /api/scores?action=summary) and `jobboard api` as a process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import requests
from click.testing import CliRunner
from sqlalchemy import Engine, update

from jobboard_assets.cli import main
from jobboard_assets.cli.score_command import MISSING
from jobboard_assets.warehouse.db import session_scope
from jobboard_assets.warehouse.models import JobBoard
from jobboard_assets_tests.api.seed import BETA, seed
from jobboard_assets_tests.conftest import ON_SQLITE


def scores_cli(warehouse_url: str, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["scores", *args], env={"JOBBOARD_DATABASE_URL": warehouse_url}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_scores_prints_day_11s_report(warehouse_url: str, seeded: Engine) -> None:
    lines = scores_cli(warehouse_url).splitlines()
    assert "EFFICIENCY SCORES - 2026-03-10" in lines
    assert {"Total Boards Scored: 3", "Average Score: 49.6/100", "Median Score: 51.6/100"} <= set(
        lines
    )
    ranking = [line for line in lines if line.startswith("   1  Alpha Jobs")]
    assert ranking and ranking[0].split() == [
        "1",
        "Alpha",
        "Jobs",
        "82.2",
        "B+",
        "90.0",
        "80.0",
        "70.0",
        MISSING,
        MISSING,  # no median lifespan in this contract's details
        MISSING,  # nor a fake-fresh share
        MISSING,  # graded: no bounded grade, and not ghost-heavy
    ]
    assert any(
        line.startswith("🥇  1. Alpha Jobs") and line.endswith("82.2/100 [B+]") for line in lines
    )
    histogram = [line for line in lines if "boards (" in line]
    assert histogram == [
        "0-20     " + "█" * 7 + "░" * 13 + "   1 boards ( 33%)",
        "20-40    " + "░" * 20 + "   0 boards (  0%)",
        "40-60    " + "█" * 7 + "░" * 13 + "   1 boards ( 33%)",
        "60-80    " + "░" * 20 + "   0 boards (  0%)",
        "80-100   " + "█" * 7 + "░" * 13 + "   1 boards ( 33%)",
    ]
    roles = [line for line in lines if line.startswith(("engineering", "sales"))]
    assert roles[0].split("|") == [
        "engineering                  Avg:  72.5/100 ",
        " Median:  72.5 ",
        " Jobs:    32 ",
        " Best: Alpha Jobs",
    ]
    assert roles[1].startswith("sales")


def test_scores_json_is_the_apis_summary(warehouse_url: str, seeded: Engine, base_url: str) -> None:
    printed = json.loads(scores_cli(warehouse_url, "--json"))
    served = requests.get(base_url + "/api/scores?action=summary", timeout=30).json()
    assert printed == served
    assert printed["data"]["statistics"]["boardsScored"] == 3
    earlier = json.loads(scores_cli(warehouse_url, "--json", "--date", "2026-03-09"))["data"]
    assert (earlier["scoreDate"], earlier["statistics"]["boardsScored"]) == ("2026-03-09", 2)


@ON_SQLITE
def test_scores_keeps_terminal_control_characters_out(warehouse_url: str, seeded: Engine) -> None:
    with session_scope(seeded) as session:
        session.execute(
            update(JobBoard).where(JobBoard.id == BETA).values(name="Beta\x1b[2J\x07 Board")
        )
    output = scores_cli(warehouse_url)
    assert "\x1b" not in output and "\x07" not in output
    assert "Beta?[2J? Board" in output


@ON_SQLITE
def test_scores_without_any_score_says_so(warehouse_url: str, engine: Engine) -> None:
    output = scores_cli(warehouse_url)
    assert "EFFICIENCY SCORES - no scores yet" in output
    assert "Total Boards Scored: 0" in output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@ON_SQLITE
def test_jobboard_api_serves_the_warehouse_with_the_token_from_the_environment(
    warehouse_url: str, engine: Engine
) -> None:
    seed(engine)
    port, token = _free_port(), "cli-token-9876543210"
    env = {**os.environ, "JOBBOARD_DATABASE_URL": warehouse_url, "JOBBOARD_API_TOKEN": token}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from jobboard_assets.cli import main; main()",
            "api",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                stats = requests.get(base_url + "/api/pipeline?action=stats", timeout=2).json()[
                    "data"
                ]
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, (
                    "jobboard api did not start"
                )
                time.sleep(0.1)
        assert stats["totalRuns"] == 3
        run = requests.post(
            base_url + "/api/pipeline",
            json={"action": "run"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert run.status_code == 202
        assert (
            requests.post(
                base_url + "/api/pipeline", json={"action": "run"}, timeout=30
            ).status_code
            == 401
        )
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Run Now    enabled" in output
    assert f"monitor    http://127.0.0.1:{port}/" in output
    assert '"POST /api/pipeline HTTP/1.1" 202' in output
    assert token not in output
