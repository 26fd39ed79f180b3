"""The `jobboard` command line: one module per command group, registered here."""

from __future__ import annotations

import click

from jobboard_assets.cli import api, db, demo, pipeline, scores, sim, surveys


@click.group()
def main() -> None:
    """jobboard-assets: scrape job boards daily, measure lifespans and reposts, score boards."""


main.add_command(db.setup)
main.add_command(db.db)
main.add_command(sim.sim)
main.add_command(pipeline.run_command)
main.add_command(pipeline.backfill_command)
main.add_command(pipeline.pipeline)
main.add_command(demo.demo)
main.add_command(demo.dev)
main.add_command(api.api)
main.add_command(scores.scores)
main.add_command(surveys.surveys)
