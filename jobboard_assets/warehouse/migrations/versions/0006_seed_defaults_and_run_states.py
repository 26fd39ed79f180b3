"""seed server-side defaults and run states

Reserved in the revision chain so that work on separate branches lands without
re-linking revisions; the owning change fills upgrade() and downgrade().

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:20:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
