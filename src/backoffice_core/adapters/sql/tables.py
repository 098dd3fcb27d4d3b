"""The SQL schema of the ledger: SQLAlchemy Core tables on one :data:`metadata`.

Rules the schema keeps:

* every table's primary key starts with ``book`` (the tenant id), and nothing
  refers across books, so the schema distributes by book (Citus) unchanged;
* amounts are ``BIGINT`` minor units, bounded by a ``CHECK`` at
  :data:`MAX_STORED` so that SQLite never silently turns an overflowing sum into
  a float; exchange rates are exact (``NUMERIC`` on PostgreSQL, decimal text on
  SQLite); dates are ``DATE``; timezone-aware instants are ISO 8601 text, which
  keeps their offset exactly (the hash chain covers ``isoformat()``);
* enums are stored as their values, small nested values (roles, periods,
  dimensions) as JSON text, so migrations stay plain DDL.

The alembic migrations in ``migrations/versions`` create exactly these tables;
a test compares the two.

Example:
    >>> sorted(t for t in metadata.tables if t.startswith("ledger_"))[:3]
    ['ledger_accounts', 'ledger_balance_days', 'ledger_balances']
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Dialect,
    ForeignKeyConstraint,
    Index,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator, TypeEngine

from backoffice_core.ledger.balances import MAX_BALANCE

__all__ = [
    "MAX_STORED",
    "VERSION_TABLE",
    "ExactDecimal",
    "accounts",
    "balance_days",
    "balances",
    "books",
    "entries",
    "fiscal_years",
    "heads",
    "metadata",
    "postings",
    "rates",
]

#: Largest magnitude any stored amount or running total may reach (minor units).
MAX_STORED = MAX_BALANCE  # the ledger's own bound, which every adapter keeps
#: The alembic version table of backoffice_core (kept apart from a host's ``alembic_version``).
VERSION_TABLE = "backoffice_alembic_version"

_RESOLUTION_KINDS = "('pending_post', 'pending_void', 'pending_expire')"


class ExactDecimal(TypeDecorator[Decimal]):
    """A ``Decimal`` stored exactly: ``NUMERIC`` on PostgreSQL, decimal text elsewhere.

    SQLite's ``NUMERIC`` affinity would turn ``1.10`` into a float, so there the
    value is kept as its string and read back with ``Decimal(text)``.

    Example:
        >>> from sqlalchemy.dialects import sqlite
        >>> ExactDecimal().process_bind_param(Decimal("1.10"), sqlite.dialect())
        '1.10'
    """

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(asdecimal=True))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))


def _range(*columns: str) -> str:
    return " AND ".join(f"{c} BETWEEN -{MAX_STORED} AND {MAX_STORED}" for c in columns)


metadata = MetaData()

books = Table(
    "ledger_books", metadata,
    Column("book", String, nullable=False),
    Column("name", Text, nullable=False),
    Column("functional_currency", String, nullable=False),
    Column("roles", Text, nullable=False),
    Column("chart", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", name="pk_ledger_books"),
)

accounts = Table(
    "ledger_accounts", metadata,
    Column("book", String, nullable=False),
    Column("code", String, nullable=False),
    Column("name", Text, nullable=False),
    Column("type", String, nullable=False),
    Column("parent", String, nullable=True),
    Column("currency", String, nullable=True),
    Column("limit_rule", String, nullable=False),
    Column("contra", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("version", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", "code", name="pk_ledger_accounts"),
    Index("ix_ledger_accounts_parent", "book", "parent"),
)

entries = Table(
    "ledger_entries", metadata,
    Column("book", String, nullable=False),
    Column("id", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("entry_date", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("reference", Text, nullable=False),
    Column("idempotency_key", Text, nullable=True),
    Column("status", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("related", String, nullable=True),
    Column("expires_at", String, nullable=True),
    Column("recorded_at", String, nullable=True),
    Column("fingerprint", String, nullable=False),
    Column("prev_hash", String, nullable=False),
    Column("hash", String, nullable=False),
    PrimaryKeyConstraint("book", "id", name="pk_ledger_entries"),
    UniqueConstraint("book", "seq", name="uq_ledger_entries_seq"),
    UniqueConstraint("book", "idempotency_key", name="uq_ledger_entries_idempotency_key"),
    Index("ix_ledger_entries_date", "book", "entry_date", "seq"),
    Index("ux_ledger_entries_resolution", "book", "related", unique=True,
          sqlite_where=text(f"kind IN {_RESOLUTION_KINDS}"),
          postgresql_where=text(f"kind IN {_RESOLUTION_KINDS}")),
    Index("ux_ledger_entries_reversal", "book", "related", unique=True,
          sqlite_where=text("kind = 'reversal'"),
          postgresql_where=text("kind = 'reversal'")),
    Index("ix_ledger_entries_pending", "book", "seq",
          sqlite_where=text("status = 'pending'"),
          postgresql_where=text("status = 'pending'")),
    Index("ix_ledger_entries_revaluation", "book", "entry_date", "seq",
          sqlite_where=text("kind = 'revaluation'"),
          postgresql_where=text("kind = 'revaluation'")),
)

postings = Table(
    "ledger_postings", metadata,
    Column("book", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("line_no", BigInteger, nullable=False),
    Column("account", String, nullable=False),
    Column("currency", String, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("functional", BigInteger, nullable=False),
    Column("dimensions", Text, nullable=False),
    Column("memo", Text, nullable=False),
    PrimaryKeyConstraint("book", "seq", "line_no", name="pk_ledger_postings"),
    ForeignKeyConstraint(["book", "seq"], ["ledger_entries.book", "ledger_entries.seq"],
                         name="fk_ledger_postings_entry"),
    CheckConstraint(_range("amount", "functional"), name="ck_ledger_postings_range"),
    Index("ix_ledger_postings_account", "book", "account", "seq"),
)

balances = Table(
    "ledger_balances", metadata,
    Column("book", String, nullable=False),
    Column("account", String, nullable=False),
    Column("currency", String, nullable=False),
    Column("dimension", String, nullable=False),
    Column("value", String, nullable=False),
    Column("debits", BigInteger, nullable=False),
    Column("credits", BigInteger, nullable=False),
    Column("pending_debits", BigInteger, nullable=False),
    Column("pending_credits", BigInteger, nullable=False),
    Column("functional", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", "account", "currency", "dimension", "value",
                         name="pk_ledger_balances"),
    CheckConstraint(_range("debits", "credits", "pending_debits", "pending_credits",
                           "functional"), name="ck_ledger_balances_range"),
)

balance_days = Table(
    "ledger_balance_days", metadata,
    Column("book", String, nullable=False),
    Column("account", String, nullable=False),
    Column("currency", String, nullable=False),
    Column("dimension", String, nullable=False),
    Column("value", String, nullable=False),
    Column("day", Date, nullable=False),
    Column("debits", BigInteger, nullable=False),
    Column("credits", BigInteger, nullable=False),
    Column("functional", BigInteger, nullable=False),
    PrimaryKeyConstraint("book", "account", "currency", "dimension", "value", "day",
                         name="pk_ledger_balance_days"),
    CheckConstraint(_range("debits", "credits", "functional"),
                    name="ck_ledger_balance_days_range"),
)

fiscal_years = Table(
    "ledger_fiscal_years", metadata,
    Column("book", String, nullable=False),
    Column("name", String, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("periods", Text, nullable=False),
    Column("closed", Boolean, nullable=False),
    Column("closing_entry", String, nullable=True),
    Column("version", BigInteger, nullable=False),
    # JSON list of the period names close_year closed; NULL: open, or closed before 0012
    Column("closed_by_closing", Text, nullable=True),
    PrimaryKeyConstraint("book", "name", name="pk_ledger_fiscal_years"),
)

rates = Table(
    "ledger_rates", metadata,
    Column("book", String, nullable=False),
    Column("base", String, nullable=False),
    Column("quote", String, nullable=False),
    Column("day", Date, nullable=False),
    Column("rate", ExactDecimal, nullable=False),
    PrimaryKeyConstraint("book", "base", "quote", "day", name="pk_ledger_rates"),
)

heads = Table(
    "ledger_heads", metadata,
    Column("book", String, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String, nullable=False),
    PrimaryKeyConstraint("book", name="pk_ledger_heads"),
)

# the documents domain's tables live in their own module, on this same metadata
from backoffice_core.adapters.sql import documents_tables as _documents_tables  # noqa: E402,F401

# the inventory domain's tables live in their own module, on this same metadata
from backoffice_core.adapters.sql import inventory_tables as _inventory_tables  # noqa: E402,F401
