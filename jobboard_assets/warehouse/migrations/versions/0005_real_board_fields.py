"""real board fields: locations, workplace type, pay, employment type, expiry

What real boards state beyond the basics, filled by every kind as far as its wire format
carries it: all locations (`location` stays the primary), the workplace type `remote` is
derived from, the stated pay range, the normalized employment type and the board's own
expiry date. All nullable: a board that says nothing leaves them NULL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 17:20:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("locations", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    ("workplace_type", sa.String(length=10)),
    ("salary_min", sa.Float()),
    ("salary_max", sa.Float()),
    ("salary_currency", sa.String(length=3)),
    ("salary_period", sa.String(length=10)),
    ("employment_type", sa.String(length=20)),
    ("expires_at", sa.DateTime(timezone=True)),
)


# Plain ADD/DROP COLUMN, not a batch table copy: SQLite (3.35+) does both in place, and a copy
# would break the views that read job_postings.


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("job_postings", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("job_postings", name)
