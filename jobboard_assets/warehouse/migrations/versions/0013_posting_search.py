"""posting search and the same job across boards: search indexes and cross_board_jobs

`GET /api/postings` pages postings in (first_seen, id) order with a keyset cursor; an index in
that order per equality filter (none, board, role family, company, workplace type) lets each
page be read from an index instead of sorting the matches; partial indexes in the same order
over the postings that state pay or were reposted serve those filters, which match few. On
PostgreSQL a trigram index (pg_trgm) on the lower-cased title serves the title search.
`cross_board_jobs` holds the postings the `cross_board_jobs` asset links to the same job on
another board.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_job_postings_first_seen_id": ["first_seen", "id"],
    "ix_job_postings_job_board_id_first_seen_id": ["job_board_id", "first_seen", "id"],
    "ix_job_postings_role_family_first_seen_id": ["role_family", "first_seen", "id"],
    "ix_job_postings_company_first_seen_id": ["company", "first_seen", "id"],
    "ix_job_postings_workplace_type_first_seen_id": ["workplace_type", "first_seen", "id"],
}
TITLE_TRIGRAMS = "ix_job_postings_title_trigrams"
# Partial indexes, in the same order, of the postings the pay and repost filters look at.
SUBSETS = {
    "ix_job_postings_pay_stated_first_seen_id": "salary_min IS NOT NULL",
    "ix_job_postings_reposted_first_seen_id": "repost_count > 0",
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "job_postings", columns)
    for name, where in SUBSETS.items():
        condition = sa.text(where)
        op.create_index(
            name,
            "job_postings",
            ["first_seen", "id"],
            sqlite_where=condition,
            postgresql_where=condition,
        )
    if op.get_bind().dialect.name == "postgresql":
        # Title search is a substring match; a trigram index answers it for a word few titles
        # hold, which otherwise reads every posting. pg_trgm is a trusted extension (PostgreSQL
        # 13+): the database's owner may create it.
        # In `public`, so a warehouse kept in another schema shares it and dropping that schema
        # leaves it; hence the qualified operator class.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        op.execute(
            f"CREATE INDEX {TITLE_TRIGRAMS} ON job_postings "
            "USING gin (lower(title) public.gin_trgm_ops)"
        )
    op.create_table(
        "cross_board_jobs",
        sa.Column("job_posting_id", sa.Integer(), nullable=False),
        sa.Column("job_group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_cross_board_jobs_job_posting_id_job_postings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_posting_id", name=op.f("pk_cross_board_jobs")),
    )
    op.create_index("ix_cross_board_jobs_job_group_id", "cross_board_jobs", ["job_group_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {TITLE_TRIGRAMS}")
    op.drop_index("ix_cross_board_jobs_job_group_id", table_name="cross_board_jobs")
    op.drop_table("cross_board_jobs")
    for name in [*INDEXES, *SUBSETS]:
        op.drop_index(name, table_name="job_postings")
