"""Ledger: a partial index on the revaluation entries, by date.

Settling a foreign-currency item and revaluing an account look for the revaluations
of one account (``SqlLedgerRepository.revaluations``). On a busy receivables account
the postings index ``ix_ledger_postings_account`` lists every invoice and payment;
``ix_ledger_entries_revaluation`` on ``(book, entry_date, seq) WHERE kind =
'revaluation'`` holds the few revaluations only, and each is matched to the account
through the postings' primary key.

Revision ID: 0010_revaluation_index
Revises: 0009_document_number_unique
Create Date: 2026-11-28

Example:
    >>> revision, down_revision
    ('0010_revaluation_index', '0009_document_number_unique')
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_revaluation_index"
down_revision: str | None = "0009_document_number_unique"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_WHERE = "kind = 'revaluation'"


def upgrade() -> None:
    """Add ``ix_ledger_entries_revaluation`` (book, entry_date, seq) over revaluations."""
    op.create_index("ix_ledger_entries_revaluation", "ledger_entries",
                    ["book", "entry_date", "seq"], sqlite_where=sa.text(_WHERE),
                    postgresql_where=sa.text(_WHERE))


def downgrade() -> None:
    """Drop the index again."""
    op.drop_index("ix_ledger_entries_revaluation", table_name="ledger_entries")
