"""The `jobboard` command line: one module per command group (named for its commands:
`run_commands`, `score_command`, `serve_api`, ...), registered here."""

from __future__ import annotations

import click

from jobboard_assets.cli import (
    demo,
    posting_command,
    run_commands,
    score_command,
    serve_api,
    setup_commands,
    sim_command,
    survey_command,
)


@click.group()
def main() -> None:
    """jobboard-assets: scrape job boards daily, measure lifespans and reposts, score boards."""


main.add_command(setup_commands.setup)
main.add_command(setup_commands.db)
main.add_command(sim_command.sim)
main.add_command(run_commands.run_command)
main.add_command(run_commands.backfill_command)
main.add_command(run_commands.pipeline)
main.add_command(demo.demo)
main.add_command(demo.dev)
main.add_command(serve_api.api)
main.add_command(score_command.scores)
main.add_command(posting_command.postings)
main.add_command(survey_command.surveys)
