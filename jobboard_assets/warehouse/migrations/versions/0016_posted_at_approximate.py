"""job_postings.posted_at_approximate: whether the board date was read from a phrase

Workday lists "Posted 3 Days Ago", not a date; the scrape turns it into that day and marks it
approximate (`PostingRecord.posted_at_approximate`). The mark was lost at the warehouse, so a
reader of `posted_at` could not tell a phrase's day from a stated date. Written with
`posted_at` on every insert and update of a posting's listing columns: the latest sighting's.
Existing rows get false; a stored Workday posting takes the mark at its next sighting (a
change of the mark alone counts as a changed listing).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Plain ADD/DROP COLUMN, not a batch table copy (as 0005): a copy would break the views and the
# SQLite title-search triggers that read job_postings. A constant default makes the ADD a
# metadata change on PostgreSQL (11+), not a rewrite of every posting.


def upgrade() -> None:
    op.add_column(
        "job_postings",
        sa.Column("posted_at_approximate", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("job_postings", "posted_at_approximate")
