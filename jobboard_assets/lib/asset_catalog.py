"""What the Dagster catalog shows of an asset: its owners, the warehouse table it writes with
that table's columns, and where its work is coded.

The column schema is read from the SQLAlchemy model, so the catalog follows every migration
without a second list to keep in step.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dagster import (
    CodeReferencesMetadataValue,
    LocalFileCodeReference,
    MetadataValue,
    TableColumn,
    TableColumnConstraints,
    TableSchema,
)
from sqlalchemy import Table

OWNERS = ["team:jobboard-data"]
"""Who answers for the platform's assets (one team today)."""

TABLE_NAME = "dagster/table_name"
COLUMN_SCHEMA = "dagster/column_schema"
ROW_COUNT = "dagster/row_count"
CODE_REFERENCES = "dagster/code_references"


def table_metadata(table: Table, columns: Sequence[str] = ()) -> dict[str, Any]:
    """`dagster/table_name` and `dagster/column_schema` of a warehouse table; `columns`: only
    those the asset writes (a phase that maintains a few columns of `job_postings`)."""
    return {
        TABLE_NAME: table.name,
        COLUMN_SCHEMA: MetadataValue.table_schema(
            TableSchema(
                columns=[
                    TableColumn(
                        column.name,
                        str(column.type),
                        constraints=TableColumnConstraints(
                            nullable=bool(column.nullable), unique=bool(column.unique)
                        ),
                    )
                    for column in table.columns
                    if not columns or column.name in columns
                ]
            )
        ),
    }


def code_reference(work: Callable[..., Any]) -> dict[str, Any]:
    """`dagster/code_references` pointing at the function that does an asset's work (the
    pipeline phase, not the Dagster wrapper every daily asset shares)."""
    path = inspect.getsourcefile(work)
    assert path is not None, work  # our own functions, always from a file
    return {
        CODE_REFERENCES: CodeReferencesMetadataValue(
            code_references=[
                LocalFileCodeReference(
                    file_path=str(Path(path).resolve()),
                    line_number=inspect.getsourcelines(work)[1],
                    label=f"{work.__module__}.{work.__qualname__}",
                )
            ]
        )
    }
