"""The `jobboard` command line: one module per command group, registered here."""

from __future__ import annotations

import click

from jobboard_assets.cli import db
from jobboard_assets.cli import sim


@click.group()
def main() -> None:
    """jobboard-assets: scrape job boards daily, measure lifespans and reposts, score boards."""


main.add_command(db.setup)
main.add_command(db.db)
main.add_command(sim.sim)
