"""`jobboard surveys import`: employer or candidate surveys from a CSV file, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from jobboard_assets import config
from jobboard_assets.pipeline.survey_import import SurveyFileError, parse_surveys
from jobboard_assets.warehouse.db import make_engine, session_scope
from jobboard_assets.warehouse.queries.boards import board_ids_by_slug
from jobboard_assets.warehouse.queries.survey_tables import SurveyKind, insert_surveys


@click.group()
def surveys() -> None:
    """Employer and candidate surveys, the score's survey components."""


@surveys.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["employer", "candidate"]),
    default=None,
    help="The kind of surveys in FILE (default: told by its header).",
)
def import_command(file: Path, kind: SurveyKind | None) -> None:
    """Import FILE (CSV with a header line) into employer_surveys or candidate_surveys.

    Columns: board (the board's slug), submitted_at (ISO date or date-time; UTC unless it has an
    offset), contact_email, comments, and for employer surveys company_name,
    hiring_effectiveness (1-10), fill_time_days, candidate_quality (poor, fair, good,
    excellent); for candidate surveys candidate_name, job_board_experience,
    posting_relevance, ease_of_application, likelihood_recommend (1-10 each). Every bad row
    is reported with its line; if any row is bad, nothing is imported (exit code 1). A survey
    already stored (same board, respondent, email and submitted_at) is skipped, so importing a
    file again is harmless.
    """
    engine = make_engine(config.database_url())
    text = file.read_text(encoding="utf-8-sig")  # files saved by spreadsheets start with a BOM
    with session_scope(engine) as session:
        try:
            parsed = parse_surveys(text, board_ids_by_slug(session), kind)
        except SurveyFileError as error:
            raise click.ClickException(f"{file}: {error}") from error
        if parsed.errors:
            for problem in parsed.errors:
                click.echo(f"{file}: {problem}", err=True)
            rows = len(parsed.rows) + len(parsed.errors)
            raise click.ClickException(
                f"nothing imported: {len(parsed.errors)} of {rows} rows are invalid"
            )
        imported = insert_surveys(session, parsed.kind, parsed.rows)
    already = len(parsed.rows) - len(imported)
    click.echo(
        f"imported {len(imported)} {parsed.kind} surveys from {file}"
        + (f" ({already} already imported, skipped)" if already else "")
    )
    if imported:
        _report_import(parsed.kind, file, imported)


def _report_import(kind: SurveyKind, file: Path, rows: list[dict[str, Any]]) -> None:
    """Record the import on the survey asset in Dagster, so its lineage shows the new data and
    marks the scores computed before it as older than their input."""
    from dagster import AssetMaterialization, DagsterInstance, MetadataValue

    from jobboard_assets.instance import ensure_dagster_home
    from jobboard_assets.lib.names import CANDIDATE_SURVEYS, EMPLOYER_SURVEYS

    submitted = sorted(row["submitted_at"] for row in rows)
    ensure_dagster_home()
    try:
        with DagsterInstance.get() as instance:
            instance.report_runless_asset_event(
                AssetMaterialization(
                    EMPLOYER_SURVEYS if kind == "employer" else CANDIDATE_SURVEYS,
                    description=f"jobboard surveys import {file.name}",
                    metadata={
                        "rows_imported": len(rows),
                        "boards": len({row["job_board_id"] for row in rows}),
                        "first_submitted": MetadataValue.timestamp(submitted[0]),
                        "last_submitted": MetadataValue.timestamp(submitted[-1]),
                        "file": MetadataValue.path(str(file.resolve())),
                    },
                )
            )
    except Exception as error:  # noqa: BLE001 - the surveys are in; only the record is missing
        click.echo(f"warning: the import was not recorded in Dagster: {error}", err=True)
