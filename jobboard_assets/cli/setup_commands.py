"""`jobboard setup` and `jobboard db ...`: the data directory, Dagster home and migrations."""

from __future__ import annotations

import os
from pathlib import Path

import click

from jobboard_assets import config
from jobboard_assets.warehouse import migrate
from jobboard_assets.warehouse.db import make_engine


@click.command()
def setup() -> None:
    """Prepare the data directory, the Dagster home and the warehouse schema.

    On the embedded instance it also writes `.env` here, so that `dagster ...` run in this
    directory uses the embedded instance unless DAGSTER_HOME says otherwise.
    """
    from jobboard_assets.instance import ensure_dagster_home, write_dotenv

    embedded = not os.environ.get("DAGSTER_HOME")
    home = ensure_dagster_home()
    if embedded and write_dotenv(Path.cwd(), home):
        click.echo(f"wrote .env: the dagster CLI here uses {home} unless DAGSTER_HOME is set")
    engine = make_engine(config.database_url())
    migrated = migrate.ensure_current(engine)
    click.echo(f"DAGSTER_HOME  {home}")
    click.echo(f"warehouse     {engine.url.render_as_string(hide_password=True)}")
    click.echo(
        f"schema        {migrate.current_revision(engine)}{' (migrated)' if migrated else ''}"
    )


@click.group()
def db() -> None:
    """Warehouse schema migrations (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the warehouse up to REVISION (default: head)."""
    engine = make_engine(config.database_url())
    migrate.upgrade(engine, revision)
    click.echo(f"warehouse at {migrate.current_revision(engine)}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the warehouse down to REVISION ("base" drops everything)."""
    engine = make_engine(config.database_url())
    migrate.downgrade(engine, revision)
    click.echo(f"warehouse at {migrate.current_revision(engine) or 'base'}")


@db.command("current")
def db_current() -> None:
    """Print the warehouse's revision and the newest one available."""
    engine = make_engine(config.database_url())
    current = migrate.current_revision(engine)
    head = migrate.head_revision(engine)
    hint = "" if current == head else " - run `jobboard db upgrade`"
    click.echo(f"current {current or 'base'} (head {head}){hint}")


@db.command("lifespan-report")
def db_lifespan_report() -> None:
    """Rebuild the lifespan report /api/lifespan serves and the boards' reference lifespans a
    posting's evidence reads from the postings, as the daily `lifespan_metrics` step does
    (after upgrading to it, or to refresh it between runs)."""
    from jobboard_assets.pipeline.lifespan_references import update_lifespan_references
    from jobboard_assets.pipeline.lifespan_report import update_lifespan_report

    engine = make_engine(config.database_url())
    rows = update_lifespan_report(engine)
    rows["board_lifespan_references"] = update_lifespan_references(engine)
    click.echo(", ".join(f"{table}: {count} rows" for table, count in rows.items()))
