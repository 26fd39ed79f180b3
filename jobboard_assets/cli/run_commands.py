"""`jobboard run`, `jobboard backfill` and `jobboard pipeline ...`: the contract's runner and its reads."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from typing import Any

import click

from jobboard_assets import config
from jobboard_assets.cli.progress import progress_display
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.queries import run_records as pipeline_queries

RULE = "═" * 80
THIN = "─" * 80
EXIT_CODES = {"completed": 0, "partial": 1, "failed": 2}
CELERY_HELP = (
    "Scrape as one shard per ATS host on Celery workers; the file is the workers' config "
    "(celery.yaml). Default: the deployment's JOBBOARD_CELERY_CONFIG (what the schedule and Run "
    "Now use), else in this process."
)


def _today() -> date:
    return datetime.now(UTC).date()


def _execute(
    first_day: date,
    last_day: date,
    boards: tuple[str, ...],
    trigger: str,
    celery: str | None = None,
) -> None:
    from dagster import DagsterInstance

    from jobboard_assets.celery_workers import read_config
    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.launch.execute import (
        ExecutionRequest,
        SelectionError,
        run_execution,
    )
    from jobboard_assets.sources.errors import RegistryError
    from jobboard_assets.sources.registry import load_registry

    ensure_dagster_home()
    celery_file = celery or config.celery_config_file()
    click.echo(RULE)
    click.echo("DATA PIPELINE EXECUTION")
    click.echo(RULE)
    try:
        registry = load_registry(config.boards_file())
        with (
            DagsterInstance.get() as instance,
            progress_display("           scrape") as scrape_progress,
        ):
            run = run_execution(
                instance,
                make_engine(config.database_url()),
                registry,
                ExecutionRequest(
                    first_day=first_day,
                    last_day=last_day,
                    boards=boards,
                    trigger=trigger,
                    celery=read_config(celery_file) if celery_file else None,
                ),
                progress=click.echo,
                scrape_progress=scrape_progress,
            )
    except (RegistryError, SelectionError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from error
    print_summary(run)
    sys.exit(EXIT_CODES.get(run["status"], 2))


def print_summary(run: dict[str, Any]) -> None:
    """The contract's PIPELINE RESULT block."""
    total, completed, failed = run["total_jobs"], run["completed_jobs"], run["failed_jobs"]
    duration = (run["end_time"] - run["start_time"]).total_seconds() if run["end_time"] else 0.0
    click.echo(THIN)
    click.echo("PIPELINE RESULT")
    click.echo(THIN)
    click.echo(f"\nRun ID: {run['run_id']}")
    click.echo(f"Status: {run['status'].upper()}")
    click.echo("\n📊 JOB SUMMARY")
    click.echo(f"  Total Jobs: {total}")
    click.echo(f"  Completed: {completed}")
    click.echo(f"  Failed: {failed}")
    rate = 100.0 * completed / total if total else 0.0
    click.echo(f"\n{'✅' if failed == 0 else '⚠️ '} Success Rate: {rate:.0f}%")
    click.echo(f"\n⏱️  Duration: {duration:.2f}s")
    if run["errors"]:
        click.echo("\n❌ ERRORS")
        for error in run["errors"][:20]:
            click.echo(f"  - {error}")
    click.echo(f"\n{RULE}")
    verdict = {
        "completed": "✅ Pipeline completed successfully!",
        "partial": "⚠️  Pipeline completed with failures (partial).",
    }.get(run["status"], "❌ Pipeline failed.")
    click.echo(verdict)
    click.echo(RULE)


@click.command("run")
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day to scrape (default: today, UTC).",
)
@click.option("--board", "boards", multiple=True, help="Only this board (repeatable).")
@click.option(
    "--celery", type=click.Path(exists=True, dir_okay=False), default=None, help=CELERY_HELP
)
def run_command(day: datetime | None, boards: tuple[str, ...], celery: str | None) -> None:
    """Run one whole pipeline execution for a day through Dagster (exit 0/1/2: completed/partial/failed)."""
    the_day = day.date() if day else _today()
    _execute(the_day, the_day, boards, "cli", celery)


@click.command("backfill")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--board", "boards", multiple=True, help="Only this board (repeatable).")
@click.option(
    "--celery", type=click.Path(exists=True, dir_okay=False), default=None, help=CELERY_HELP
)
def backfill_command(
    start: datetime, end: datetime, boards: tuple[str, ...], celery: str | None
) -> None:
    """Backfill START..END (inclusive) for date-addressable boards: two Dagster runs in all."""
    if end < start:
        raise click.BadParameter("--end is before --start")
    _execute(start.date(), end.date(), boards, "backfill", celery)


@click.group()
def pipeline() -> None:
    """What the contract's /api/pipeline returns: history, stats, pending."""


def _emit(data: Any, as_json: bool, render: Any) -> None:
    if as_json:
        click.echo(json.dumps({"success": True, "data": data}, indent=2, default=str))
    else:
        render(data)


@pipeline.command("history")
@click.option("--limit", default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def history_command(limit: int, as_json: bool) -> None:
    """The latest pipeline executions."""
    with session_scope(make_engine(config.database_url())) as session:
        runs = pipeline_queries.run_history(session, limit)

    def render(rows: list[dict[str, Any]]) -> None:
        click.echo(
            f"{'run':<34} {'status':<10} {'start (UTC)':<20} {'jobs':>6} {'failed':>6} {'secs':>8}"
        )
        for row in rows:
            click.echo(
                f"{row['runId']:<34} {row['status']:<10} {row['startTime'][:19]:<20} "
                f"{row['totalJobs']:>6} {row['failedJobs']:>6} {row['durationSeconds'] or 0:>8.1f}"
            )
            for error in row["errors"][:3]:
                click.echo(f"    ! {error}")

    _emit(runs, as_json, render)


@pipeline.command("stats")
@click.option("--days", default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def stats_command(days: int, as_json: bool) -> None:
    """Statistics of the last days (runs, success rate, jobs, average duration)."""
    with session_scope(make_engine(config.database_url())) as session:
        stats = pipeline_queries.recent_stats(session, days)

    def render(data: dict[str, Any]) -> None:
        for key, value in data.items():
            click.echo(f"{key:<20} {value}")

    _emit(stats, as_json, render)


@pipeline.command("pending")
@click.option("--json", "as_json", is_flag=True)
def pending_command(as_json: bool) -> None:
    """Jobs waiting to run."""
    with session_scope(make_engine(config.database_url())) as session:
        jobs = pipeline_queries.pending_jobs(session)

    def render(rows: list[dict[str, Any]]) -> None:
        click.echo(f"{len(rows)} pending jobs")
        for row in rows:
            click.echo(f"  {row['jobType']:<10} {row['boardName'] or '-':<30} run {row['runId']}")

    _emit(jobs, as_json, render)
