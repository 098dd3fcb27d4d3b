"""Documents schema: settings, parties, documents, references, counters, payments...

Creates exactly the tables of :mod:`backoffice_core.adapters.sql.documents_tables`.

Revision ID: 0002_documents
Revises: 0001
Create Date: 2026-11-27

Example:
    >>> revision, down_revision
    ('0002_documents', '0001')
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_documents"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_TABLES = ("documents_handovers", "documents_allocation_items", "documents_allocations",
           "documents_payments", "documents_counters", "documents_references",
           "documents_documents", "documents_parties", "documents_settings")


def _str(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def _bool(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def _day(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Date(), nullable=False)


def upgrade() -> None:
    """Create every documents table."""
    op.create_table(
        "documents_settings", _str("book"), _text("body"), _int("version"),
        sa.PrimaryKeyConstraint("book", name="pk_documents_settings"),
    )
    op.create_table(
        "documents_parties", _str("book"), _str("id"), _text("legal_name"), _bool("archived"),
        _int("version"), _text("body"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_documents_parties"),
    )
    op.create_table(
        "documents_documents", _str("book"), _str("id"), _str("type"), _str("number", True),
        _str("party_id"), _day("doc_date"), _str("state"), _str("direction"),
        _bool("archived"), _bool("is_open"), _int("version"), _text("body"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_documents_documents"),
        sa.UniqueConstraint("book", "type", "number", name="uq_documents_documents_number"),
    )
    op.create_index("ix_documents_documents_date", "documents_documents",
                    ["book", "doc_date", "id"])
    op.create_index("ix_documents_documents_party", "documents_documents",
                    ["book", "party_id", "doc_date"])
    op.create_table(
        "documents_references", _str("book"), _str("document_id"), _int("position"),
        _str("source_id"),
        sa.PrimaryKeyConstraint("book", "document_id", "position",
                                name="pk_documents_references"),
    )
    op.create_index("ix_documents_references_source", "documents_references",
                    ["book", "source_id"])
    op.create_table(
        "documents_counters", _str("book"), _str("series"), _str("fiscal_year"), _int("value"),
        sa.PrimaryKeyConstraint("book", "series", "fiscal_year", name="pk_documents_counters"),
    )
    op.create_table(
        "documents_payments", _str("book"), _str("id"), _str("party_id"), _day("pay_date"),
        _str("side"), _bool("is_open"), _int("version"), _text("body"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_documents_payments"),
    )
    op.create_index("ix_documents_payments_date", "documents_payments",
                    ["book", "pay_date", "id"])
    op.create_table(
        "documents_allocations", _str("book"), _str("id"), _day("alloc_date"), _text("body"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_documents_allocations"),
    )
    op.create_index("ix_documents_allocations_date", "documents_allocations",
                    ["book", "alloc_date", "id"])
    op.create_table(
        "documents_allocation_items", _str("book"), _str("item_id"), _str("allocation_id"),
        sa.PrimaryKeyConstraint("book", "item_id", "allocation_id",
                                name="pk_documents_allocation_items"),
    )
    op.create_table(
        "documents_handovers", _str("book"), _int("seq"), _str("document_id"), _text("body"),
        sa.PrimaryKeyConstraint("book", "seq", name="pk_documents_handovers"),
    )
    op.create_index("ix_documents_handovers_document", "documents_handovers",
                    ["book", "document_id", "seq"])


def downgrade() -> None:
    """Drop every documents table."""
    for table in _TABLES:
        op.drop_table(table)
