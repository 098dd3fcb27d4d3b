"""Inventory: a move names the document hand-over that made it; a count, the
reservations its posting released.

``inv_moves.handover`` (nullable) holds the id of the
:class:`~backoffice_core.documents.StockHandover` whose line made the move, so a
cancelled goods receipt returns exactly its own moves and a negative receipt line
exactly the receipt lines of its purchase-order line. Moves stored before have none,
and are matched as they were (by the receipt's number, date and item).
``inv_counts.released`` (JSON list, ``[]`` for counts stored before) holds the ids of
the reserved moves a count's posting sent back to draft.

Revision ID: 0011_move_handover
Revises: 0010_revaluation_index
Create Date: 2026-11-28

Example:
    >>> revision, down_revision
    ('0011_move_handover', '0010_revaluation_index')
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_move_handover"
down_revision: str | None = "0010_revaluation_index"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]


def upgrade() -> None:
    """Add the nullable ``inv_moves.handover`` and ``inv_counts.released`` (default ``[]``)."""
    op.add_column("inv_moves", sa.Column("handover", sa.String(), nullable=True))
    op.add_column("inv_counts", sa.Column("released", sa.Text(), nullable=False,
                                          server_default="[]"))


def downgrade() -> None:
    """Drop both columns again (batch mode: SQLite rebuilds the tables)."""
    with op.batch_alter_table("inv_counts") as batch:
        batch.drop_column("released")
    with op.batch_alter_table("inv_moves") as batch:
        batch.drop_column("handover")
