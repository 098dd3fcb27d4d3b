"""The SQL schema of the documents domain: Core tables on the shared :data:`metadata`.

Same rules as the ledger's tables (:mod:`backoffice_core.adapters.sql.tables`):
every primary key starts with ``book`` and nothing refers across books. Each
aggregate (settings, party, document, payment, allocation, hand-over) is one
row: the columns a query filters or sorts on (type, number, party, date,
state, open or not, version...) plus ``body``, the whole value as JSON text
written by :mod:`backoffice_core.adapters.sql.documents_mappers` (amounts as
exact decimal strings with their currency, dates ISO 8601, instants with
their offset). Document numbers are unique in the book whatever the type (``NULL``
for a draft); a document's references
get their own table so that "documents made from X" is an indexed query; a
party's code (``NULL`` when it has none) is unique per book, also ignoring case
(``code_key``, the code casefolded); a payment's number is unique per book;
allocations are indexed by every item (document or payment) they touch.

Example:
    >>> sorted(t for t in metadata.tables if t.startswith("documents_"))[:3]
    ['documents_allocation_items', 'documents_allocations', 'documents_counters']
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from backoffice_core.adapters.sql.tables import metadata

__all__ = [
    "allocation_items",
    "allocations",
    "counters",
    "documents",
    "handovers",
    "parties",
    "payments",
    "references",
    "settings",
]

settings = Table(
    "documents_settings", metadata,
    Column("book", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", name="pk_documents_settings"),
)

parties = Table(
    "documents_parties", metadata,
    Column("book", String, nullable=False),
    Column("id", String, nullable=False),
    Column("legal_name", Text, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("body", Text, nullable=False),
    Column("code", String, nullable=True),  # NULL when the party has none
    Column("code_key", String, nullable=True),  # the code casefolded (Party.code_key)
    PrimaryKeyConstraint("book", "id", name="pk_documents_parties"),
    Index("ux_documents_parties_code", "book", "code", unique=True),
    Index("ux_documents_parties_code_key", "book", "code_key", unique=True),
)

documents = Table(
    "documents_documents", metadata,
    Column("book", String, nullable=False),
    Column("id", String, nullable=False),
    Column("type", String, nullable=False),
    Column("number", String, nullable=True),
    Column("party_id", String, nullable=False),
    Column("doc_date", Date, nullable=False),
    Column("state", String, nullable=False),
    Column("direction", String, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("book", "id", name="pk_documents_documents"),
    UniqueConstraint("book", "type", "number", name="uq_documents_documents_number"),
    Index("ux_documents_documents_number", "book", "number", unique=True),
    Index("ix_documents_documents_date", "book", "doc_date", "id"),
    Index("ix_documents_documents_party", "book", "party_id", "doc_date"),
)

references = Table(
    "documents_references", metadata,
    Column("book", String, nullable=False),
    Column("document_id", String, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("source_id", String, nullable=False),
    PrimaryKeyConstraint("book", "document_id", "position", name="pk_documents_references"),
    Index("ix_documents_references_source", "book", "source_id"),
)

counters = Table(
    "documents_counters", metadata,
    Column("book", String, nullable=False),
    Column("series", String, nullable=False),
    Column("fiscal_year", String, nullable=False),
    Column("value", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", "series", "fiscal_year", name="pk_documents_counters"),
)

payments = Table(
    "documents_payments", metadata,
    Column("book", String, nullable=False),
    Column("id", String, nullable=False),
    Column("party_id", String, nullable=False),
    Column("pay_date", Date, nullable=False),
    Column("side", String, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("body", Text, nullable=False),
    Column("number", String, nullable=True),  # always set (NULL only if never filled)
    PrimaryKeyConstraint("book", "id", name="pk_documents_payments"),
    Index("ix_documents_payments_date", "book", "pay_date", "id"),
    Index("ix_documents_payments_party", "book", "party_id", "pay_date", "id"),  # (0014)
    Index("ux_documents_payments_number", "book", "number", unique=True),
)

allocations = Table(
    "documents_allocations", metadata,
    Column("book", String, nullable=False),
    Column("id", String, nullable=False),
    Column("alloc_date", Date, nullable=False),
    Column("body", Text, nullable=False),
    PrimaryKeyConstraint("book", "id", name="pk_documents_allocations"),
    Index("ix_documents_allocations_date", "book", "alloc_date", "id"),
)

allocation_items = Table(
    "documents_allocation_items", metadata,
    Column("book", String, nullable=False),
    Column("item_id", String, nullable=False),
    Column("allocation_id", String, nullable=False),
    PrimaryKeyConstraint("book", "item_id", "allocation_id",
                         name="pk_documents_allocation_items"),
)

handovers = Table(
    "documents_handovers", metadata,
    Column("book", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("document_id", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("id", String, nullable=True),  # filled on every row (0013_handover_id)
    PrimaryKeyConstraint("book", "seq", name="pk_documents_handovers"),
    Index("ix_documents_handovers_document", "book", "document_id", "seq"),
    Index("ux_documents_handovers_id", "book", "id", unique=True),
)
