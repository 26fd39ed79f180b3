"""`jobboard api`: the HTTP API and the pipeline monitor page, served by uvicorn."""

from __future__ import annotations

import os

import click

from jobboard_assets import config
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine

API_TOKEN_ENV = "JOBBOARD_API_TOKEN"


@click.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
def api(host: str, port: int) -> None:
    """Serve /api/... and the monitor page; Run Now (POST) needs JOBBOARD_API_TOKEN."""
    import uvicorn

    from jobboard_assets.api import create_app

    engine = make_engine(config.database_url())
    token = os.environ.get(API_TOKEN_ENV) or None
    click.echo(f"warehouse  {engine.url.render_as_string(hide_password=True)}")
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        click.echo(
            "warning    the warehouse schema is not current: run `jobboard db upgrade`", err=True
        )
    click.echo(
        "Run Now    enabled (bearer token from JOBBOARD_API_TOKEN)"
        if token
        else f"Run Now    disabled: set {API_TOKEN_ENV} to allow POST /api/pipeline"
    )
    click.echo(f"monitor    http://{host}:{port}/")
    uvicorn.run(create_app(engine, token), host=host, port=port, log_level="info")
