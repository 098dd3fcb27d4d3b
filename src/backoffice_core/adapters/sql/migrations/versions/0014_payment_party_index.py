"""Documents: an index on the payments by party.

A party's statement, its open payments and every allocation to one of its documents read
the payments of that party (``SqlDocumentsRepository.find_payments(party_id=...)``).
The only index on ``documents_payments`` beside its keys was by date, so each such read
went over every payment of the book. ``ix_documents_payments_party`` on ``(book,
party_id, pay_date, id)`` finds one party's payments in their order.

Revision ID: 0014_payment_party_index
Revises: 0013_handover_id
Create Date: 2026-11-29

Example:
    >>> revision, down_revision
    ('0014_payment_party_index', '0013_handover_id')
"""

from __future__ import annotations

from alembic import op

revision: str = "0014_payment_party_index"
down_revision: str | None = "0013_handover_id"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]


def upgrade() -> None:
    """Add ``ix_documents_payments_party`` (book, party_id, pay_date, id)."""
    op.create_index("ix_documents_payments_party", "documents_payments",
                    ["book", "party_id", "pay_date", "id"])


def downgrade() -> None:
    """Drop the index again."""
    op.drop_index("ix_documents_payments_party", table_name="documents_payments")
