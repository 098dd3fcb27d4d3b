"""Ledger: an index on accounts by parent, so posting asks "is this a parent?" in O(log n).

Revision ID: 0004_account_parent_index
Revises: 0003_inventory
Create Date: 2026-11-27

Example:
    >>> revision, down_revision
    ('0004_account_parent_index', '0003_inventory')
"""

from __future__ import annotations

from alembic import op

revision: str = "0004_account_parent_index"
down_revision: str | None = "0003_inventory"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]


def upgrade() -> None:
    """Add ``ix_ledger_accounts_parent`` (book, parent)."""
    op.create_index("ix_ledger_accounts_parent", "ledger_accounts", ["book", "parent"])


def downgrade() -> None:
    """Drop the index again."""
    op.drop_index("ix_ledger_accounts_parent", table_name="ledger_accounts")
