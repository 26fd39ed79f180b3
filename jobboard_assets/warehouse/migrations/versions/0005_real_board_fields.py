"""real board fields: locations, workplace type, pay, employment type, expiry

Reserved in the revision chain so that work on separate branches lands without
re-linking revisions; the owning change fills upgrade() and downgrade().

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 17:20:00
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
