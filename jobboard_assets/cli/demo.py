"""`jobboard demo` and `jobboard dev`: the offline sandbox on the simulated job market."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jobboard_assets import config
from jobboard_assets.cli.progress import Update, progress_display

if TYPE_CHECKING:
    from jobboard_assets.launch.execute import ScrapeProgress
    from jobboard_assets.sim.market import SimulatedMarket
    from jobboard_assets.sim.server import SimServer

SIM_PORT = 8765
SIM_SEED = 42
SIM_BOARDS = 33
REPO_BOARDS_FILE = Path("boards.sim.yaml")


@contextmanager
def simulated_market(port: int, seed: int, boards: int) -> Iterator[Path]:
    """Serve the simulated market on 127.0.0.1:port and yield a registry that points at it.

    The registry is `boards.sim.yaml` when the defaults are used (it is committed for port
    8765, seed 42, 33 boards), else a generated file in the data directory.
    """
    from jobboard_assets.sim.market import SimulatedMarket
    from jobboard_assets.sim.registry_file import registry_yaml

    market = SimulatedMarket(seed=seed, n_boards=boards)
    with bound_simulator(market, port) as server:
        if (port, seed, boards) == (SIM_PORT, SIM_SEED, SIM_BOARDS) and REPO_BOARDS_FILE.exists():
            registry = REPO_BOARDS_FILE.resolve()
        else:
            registry = config.data_dir() / f"boards.sim-{port}-{seed}-{boards}.yaml"
            registry.write_text(
                registry_yaml(
                    market.board_configs(server.base_url), "Written by jobboard demo/dev."
                )
            )
        click.echo(
            f"simulated market: {boards} boards (seed {seed}) on {server.base_url}, registry {registry}"
        )
        yield registry


def bound_simulator(market: SimulatedMarket, port: int) -> SimServer:
    """The simulator on `port`, or one clear line when it is taken (`make dev` serves the same
    market there)."""
    from jobboard_assets.sim.server import SimServer

    try:
        return SimServer(market, port=port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise click.ClickException(
            f"port {port} is taken, probably by `make dev`'s simulated market: stop it, or "
            "pass --port with a free port"
        ) from None


@click.command()
@click.option("--days", default=30, show_default=True, help="How many simulated days to run.")
@click.option(
    "--end",
    "end_day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The last day (default: today, UTC).",
)
@click.option("--port", default=SIM_PORT, show_default=True)
def demo(days: int, end_day: datetime | None, port: int) -> None:
    """Run DAYS simulated days for the 33 simulated boards through Dagster, one execution a day."""
    from dagster import DagsterInstance

    from jobboard_assets.cli.run_commands import RULE, print_summary
    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.launch.execute import ExecutionRequest, run_execution
    from jobboard_assets.sources.registry import load_registry
    from jobboard_assets.warehouse.db import make_engine

    ensure_dagster_home()
    last = end_day.date() if end_day else datetime.now(UTC).date()
    first = last - timedelta(days=days - 1)
    engine = make_engine(config.database_url())
    with (
        simulated_market(port, SIM_SEED, SIM_BOARDS) as registry_file,
        DagsterInstance.get() as instance,
    ):
        registry = load_registry(registry_file)
        click.echo(RULE)
        click.echo(f"DEMO: {days} days, {first} .. {last}, one pipeline execution per day")
        click.echo(RULE)
        run: dict[str, Any] = {}
        tally = _AcrossDays()
        with progress_display("scrape") as show:
            for offset in range(days):
                day = first + timedelta(days=offset)
                run = run_execution(
                    instance,
                    engine,
                    registry,
                    ExecutionRequest(first_day=day, last_day=day, trigger="demo"),
                    scrape_progress=tally.reporter(show, days_left=days - offset),
                )
                tally.close_day()
                duration = (run["end_time"] - run["start_time"]).total_seconds()
                click.echo(
                    f"day {offset + 1:>2}/{days} {day}  {run['status']:<9} "
                    f"{run['completed_jobs']}/{run['total_jobs']} jobs  {duration:5.1f}s"
                )
    print_summary(run)
    print_board_table(engine)
    click.echo(
        "\nBrowse it: `make dev` (Dagster UI), `jobboard scores`, `jobboard pipeline history`."
    )
    click.echo(
        f"To run against the simulator yourself: export JOBBOARD_BOARDS_FILE={REPO_BOARDS_FILE}"
    )


@dataclass
class _AcrossDays:
    """The demo's one progress bar over all its days: each day's scrape adds to the days before."""

    done: int = 0
    failed: int = 0
    today: tuple[int, int] = (0, 0)

    def reporter(self, show: Update, days_left: int) -> ScrapeProgress:
        def report(done: int, failed: int, planned: int) -> None:
            self.today = (done, failed)
            show(self.done + done, self.failed + failed, self.done + planned * days_left)

        return report

    def close_day(self) -> None:
        self.done += self.today[0]
        self.failed += self.today[1]
        self.today = (0, 0)


def print_board_table(engine: Any) -> None:
    """Board, active postings, median lifespan, reposts and score of the latest score day."""
    from jobboard_assets.warehouse.queries.efficiency_scores import latest_board_scores

    day, rows = latest_board_scores(engine)
    click.echo(
        f"\nBOARDS on {day} (median lifespan: Kaplan-Meier with its 95% interval; fake-fresh: "
        "share of open postings whose board date says new while we know better)"
    )
    click.echo(
        f"{'rank':>4}  {'board':<32} {'active':>6} {'median (95% CI)':>16} {'reposts':>7} "
        f"{'fresh?':>6} {'score':>6} grade"
    )
    for row in rows:
        details = row["details"] or {}
        median, low, high = (
            details.get(key)
            for key in ("km_median_days", "km_median_ci_low_days", "km_median_ci_high_days")
        )
        interval = (
            f"{median}d ({'?' if low is None else low}-{'?' if high is None else high})"
            if median is not None
            else "not reached"
        )
        share = row["fake_fresh_share"]
        grade = "insufficient data" if details.get("insufficient_data") else row["grade"]
        score = "-" if row["overall_score"] is None else f"{row['overall_score']:.1f}"
        click.echo(
            f"{row['rank'] or '-':>4}  {row['name'][:32]:<32} {details.get('active_postings', 0):>6} "
            f"{interval:>16} {details.get('reposts', 0):>7} "
            f"{'-' if share is None else f'{100 * share:.0f}%':>6} {score:>6} {grade}"
        )
    click.echo(
        "\nGrades need tracked days: fast and normal boards (median under ~40 days) are graded "
        "from about 30 days, every board by 90; until then a board shows 'insufficient data' "
        "(not an F). See docs/metrics.md."
    )


@click.command()
@click.option("--port", default=SIM_PORT, show_default=True)
def dev(port: int) -> None:
    """Start the simulated market and `dagster dev` (UI, daemon, schedule and sensors on)."""
    from jobboard_assets.instance import ensure_dagster_home

    ensure_dagster_home()
    with simulated_market(port, SIM_SEED, SIM_BOARDS) as registry_file:
        env = {**os.environ, config.BOARDS_FILE_ENV: str(registry_file)}
        dagster = Path(sys.executable).parent / "dagster"
        with suppress(KeyboardInterrupt):
            subprocess.run([str(dagster), "dev", "-w", "workspace.yaml"], env=env, check=False)
