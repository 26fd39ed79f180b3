"""`jobboard api`: the HTTP API and the pipeline monitor page, served by uvicorn."""

from __future__ import annotations

import os

import click

from jobboard_assets import config
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine

API_TOKEN_ENV = config.API_TOKEN_ENV
APP_FACTORY = "jobboard_assets.api.app:app_from_environment"


def default_workers() -> int:
    """One uvicorn worker process per CPU: a request's work is Python under one GIL per
    process, so a single process queues concurrent clients on one CPU (docs/api.md)."""
    return os.cpu_count() or 1


@click.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: one per CPU).",
)
def api(host: str, port: int, workers: int | None) -> None:
    """Serve /api/... and the monitor page; Run Now (POST) needs JOBBOARD_API_TOKEN."""
    import uvicorn

    engine = make_engine(config.database_url())
    token = config.api_token()
    processes = workers or default_workers()
    click.echo(f"warehouse  {engine.url.render_as_string(hide_password=True)}")
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        click.echo(
            "warning    the warehouse schema is not current: run `jobboard db upgrade`", err=True
        )
    engine.dispose()
    click.echo(
        "Run Now    enabled (bearer token from JOBBOARD_API_TOKEN)"
        if token
        else f"Run Now    disabled: set {API_TOKEN_ENV} to allow POST /api/pipeline"
    )
    click.echo(f"workers    {processes}")
    click.echo(f"monitor    http://{host}:{port}/")
    # Each worker process builds its own app (and warehouse engine) from the environment.
    uvicorn.run(
        APP_FACTORY, factory=True, host=host, port=port, workers=processes, log_level="info"
    )
