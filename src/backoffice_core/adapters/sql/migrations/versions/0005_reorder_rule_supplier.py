"""Inventory: a reorder rule may name the supplier its purchase drafts go to.

Revision ID: 0005_reorder_rule_supplier
Revises: 0004_account_parent_index
Create Date: 2026-11-27

Example:
    >>> revision, down_revision
    ('0005_reorder_rule_supplier', '0004_account_parent_index')
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005_reorder_rule_supplier"
down_revision: str | None = "0004_account_parent_index"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]


def upgrade() -> None:
    """Add the nullable ``inv_reorder_rules.supplier`` (a party id); existing rules have none."""
    op.add_column("inv_reorder_rules", sa.Column("supplier", sa.String(), nullable=True))


def downgrade() -> None:
    """Drop the column again (batch mode: SQLite rebuilds the table)."""
    with op.batch_alter_table("inv_reorder_rules") as batch:
        batch.drop_column("supplier")
