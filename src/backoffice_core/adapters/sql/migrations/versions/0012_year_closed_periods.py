"""Ledger: a fiscal year records which periods its year-end closing closed.

``ledger_fiscal_years.closed_by_closing`` (nullable JSON list of period names) holds the
periods ``close_year`` closed (those still open then), so ``reopen_year`` reopens those
and leaves a month the accountant had closed by hand closed. Years stored before have
``NULL``: a year closed then reopens every closed period, as it did.

Revision ID: 0012_year_closed_periods
Revises: 0011_move_handover
Create Date: 2026-11-29

Example:
    >>> revision, down_revision
    ('0012_year_closed_periods', '0011_move_handover')
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_year_closed_periods"
down_revision: str | None = "0011_move_handover"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]


def upgrade() -> None:
    """Add the nullable ``ledger_fiscal_years.closed_by_closing``."""
    op.add_column("ledger_fiscal_years",
                  sa.Column("closed_by_closing", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the column again (batch mode: SQLite rebuilds the table)."""
    with op.batch_alter_table("ledger_fiscal_years") as batch:
        batch.drop_column("closed_by_closing")
