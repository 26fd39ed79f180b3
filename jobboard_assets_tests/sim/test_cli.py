"""`jobboard sim truth | boards | serve`: valid files, and a server that answers until interrupted."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import requests
from click.testing import CliRunner

from jobboard_assets.cli.sim_command import sim
from jobboard_assets.sim import vocab
from jobboard_assets.sim.market import SimulatedMarket
from jobboard_assets.sources.registry import load_registry

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_truth_writes_the_markets_ground_truth(tmp_path: Path) -> None:
    output = tmp_path / "truth.json"
    result = CliRunner().invoke(
        sim,
        [
            "truth",
            "--seed",
            "42",
            "--boards",
            "7",
            "--start",
            "2025-07-01",
            "--end",
            "2025-07-05",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document == SimulatedMarket(seed=42, n_boards=7).truth(
        date(2025, 7, 1), date(2025, 7, 5)
    )
    assert document["postings"] and {b["kind"] for b in document["boards"]} == set(vocab.KINDS)


def test_truth_goes_to_stdout_and_refuses_a_backwards_range() -> None:
    runner = CliRunner()
    printed = runner.invoke(
        sim, ["truth", "--boards", "7", "--start", "2025-07-01", "--end", "2025-07-01"]
    )
    assert printed.exit_code == 0 and json.loads(printed.stdout)["end"] == "2025-07-01"
    backwards = runner.invoke(sim, ["truth", "--start", "2025-07-02", "--end", "2025-07-01"])
    assert backwards.exit_code == 2 and "--end" in backwards.output


def test_boards_writes_a_registry_the_pipeline_accepts(tmp_path: Path) -> None:
    output = tmp_path / "boards.yaml"
    result = CliRunner().invoke(
        sim, ["boards", "--port", "9911", "--seed", "42", "--boards", "14", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    boards = load_registry(output)
    assert [b.slug for b in boards] == [
        b.slug for b in SimulatedMarket(seed=42, n_boards=14).boards
    ]
    assert {b.kind for b in boards} == set(vocab.KINDS)
    for board in boards:
        assert (
            board.url.startswith("http://127.0.0.1:9911/")
            and board.date_addressable
            and board.enabled
        )
        assert board.options["min_interval_seconds"] == 0 and board.category and board.industry
        if board.kind == "html":
            assert {"item_selector", "title_selector", "link_selector", "next_selector"} <= set(
                board.options
            )


def test_the_committed_boards_file_is_what_the_command_generates() -> None:
    result = CliRunner().invoke(sim, ["boards", "--port", "8765", "--seed", "42", "--boards", "33"])
    assert result.exit_code == 0, result.output
    assert (REPO_ROOT / "boards.sim.yaml").read_text(encoding="utf-8") == result.stdout
    assert len(load_registry(REPO_ROOT / "boards.sim.yaml")) == 33


def test_serve_answers_with_its_faults_until_interrupted() -> None:
    market = SimulatedMarket(seed=42, n_boards=7)
    greenhouse, lever = market.boards[0], market.boards[1]
    command = [
        sys.executable,
        "-c",
        "from jobboard_assets.cli.sim_command import sim; sim()",
        "serve",
        "--port",
        "0",
        "--boards",
        "7",
        "--fault",
        f"{greenhouse.slug}=http_429,seconds=3",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            base_url = process.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:")
            assert requests.get(f"{base_url}/robots.txt", timeout=5).status_code == 200
            faulty = requests.get(
                f"{base_url}/greenhouse/v1/boards/{greenhouse.slug}/jobs?date=2025-07-01", timeout=5
            )
            assert (faulty.status_code, faulty.headers["Retry-After"]) == (429, "3")
            healthy = requests.get(
                f"{base_url}/lever/v0/postings/{lever.slug}?mode=json&date=2025-07-01", timeout=5
            )
            assert [p["id"] for p in healthy.json()] == [
                p.external_id for p in reversed(market.postings_on(lever.slug, date(2025, 7, 1)))
            ]
        finally:
            process.send_signal(signal.SIGINT)
            try:
                _, stderr = process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    assert process.returncode == 0 and "stopped" in stderr


def test_serve_refuses_an_unknown_fault() -> None:
    result = CliRunner().invoke(
        sim, ["serve", "--port", "0", "--boards", "7", "--fault", "nobody=http_500"]
    )
    assert result.exit_code == 2 and "no simulated board" in result.output
