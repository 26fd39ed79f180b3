"""title search on SQLite: an FTS5 trigram table over job_postings.title, kept by triggers

A title search (`GET /api/postings?q=`) is a substring match. On PostgreSQL the pg_trgm index
(migration 0013) answers it; on SQLite a word no title holds read every posting (3.3 s at 1M).
`job_postings_title_search` is an external-content FTS5 table with the trigram tokenizer: it
stores the trigrams of each title (not the title again) and answers a substring of 3 or more
characters from its index. Triggers keep it equal to `job_postings` on every insert, delete and
title change, whoever writes; a title rewritten to itself does not touch it (the daily upsert
sets every column). A later migration that rebuilds `job_postings` (SQLite batch mode) drops
the triggers and must create them again. Nothing on PostgreSQL.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "job_postings_title_search"
_ADD = f"INSERT INTO {TABLE}(rowid, title) VALUES (new.id, new.title);"
_REMOVE = f"INSERT INTO {TABLE}({TABLE}, rowid, title) VALUES ('delete', old.id, old.title);"
TRIGGERS = {
    f"{TABLE}_insert": f"AFTER INSERT ON job_postings BEGIN {_ADD} END",
    f"{TABLE}_delete": f"AFTER DELETE ON job_postings BEGIN {_REMOVE} END",
    f"{TABLE}_update": (
        "AFTER UPDATE OF id, title ON job_postings "
        f"WHEN old.id IS NOT new.id OR old.title IS NOT new.title BEGIN {_REMOVE} {_ADD} END"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
        "title, content='job_postings', content_rowid='id', tokenize='trigram')"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    # The titles already stored.
    op.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute(f"DROP TABLE {TABLE}")
