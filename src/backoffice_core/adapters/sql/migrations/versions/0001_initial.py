"""Initial ledger schema: books, accounts, entries, postings, balances, rollup, years, rates.

Revision ID: 0001
Revises:
Create Date: 2026-01-31

Example:
    >>> revision, down_revision
    ('0001', None)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_MAX = 10**18
_RESOLUTIONS = "kind IN ('pending_post', 'pending_void', 'pending_expire')"


def _range(*columns: str) -> str:
    return " AND ".join(f"{c} BETWEEN -{_MAX} AND {_MAX}" for c in columns)


def _str(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _int(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=False)


def upgrade() -> None:
    """Create every ledger table."""
    op.create_table(
        "ledger_books",
        _str("book"), sa.Column("name", sa.Text(), nullable=False),
        _str("functional_currency"), sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("chart", sa.Text(), nullable=False), _int("version"),
        sa.PrimaryKeyConstraint("book", name="pk_ledger_books"),
    )
    op.create_table(
        "ledger_accounts",
        _str("book"), _str("code"), sa.Column("name", sa.Text(), nullable=False),
        _str("type"), _str("parent", True), _str("currency", True), _str("limit_rule"),
        sa.Column("contra", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False), _int("version"),
        sa.PrimaryKeyConstraint("book", "code", name="pk_ledger_accounts"),
    )
    op.create_table(
        "ledger_entries",
        _str("book"), _str("id"), _int("seq"),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        _str("status"), _str("kind"), _str("related", True), _str("expires_at", True),
        _str("recorded_at", True), _str("fingerprint"), _str("prev_hash"), _str("hash"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_ledger_entries"),
        sa.UniqueConstraint("book", "seq", name="uq_ledger_entries_seq"),
        sa.UniqueConstraint("book", "idempotency_key",
                            name="uq_ledger_entries_idempotency_key"),
    )
    op.create_index("ix_ledger_entries_date", "ledger_entries", ["book", "entry_date", "seq"])
    op.create_index("ux_ledger_entries_resolution", "ledger_entries", ["book", "related"],
                    unique=True, sqlite_where=sa.text(_RESOLUTIONS),
                    postgresql_where=sa.text(_RESOLUTIONS))
    op.create_index("ux_ledger_entries_reversal", "ledger_entries", ["book", "related"],
                    unique=True, sqlite_where=sa.text("kind = 'reversal'"),
                    postgresql_where=sa.text("kind = 'reversal'"))
    op.create_index("ix_ledger_entries_pending", "ledger_entries", ["book", "seq"],
                    sqlite_where=sa.text("status = 'pending'"),
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_table(
        "ledger_postings",
        _str("book"), _int("seq"), _int("line_no"), _str("account"), _str("currency"),
        _int("amount"), _int("functional"),
        sa.Column("dimensions", sa.Text(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("book", "seq", "line_no", name="pk_ledger_postings"),
        sa.ForeignKeyConstraint(["book", "seq"], ["ledger_entries.book", "ledger_entries.seq"],
                                name="fk_ledger_postings_entry"),
        sa.CheckConstraint(_range("amount", "functional"), name="ck_ledger_postings_range"),
    )
    op.create_index("ix_ledger_postings_account", "ledger_postings", ["book", "account", "seq"])
    op.create_table(
        "ledger_balances",
        _str("book"), _str("account"), _str("currency"), _str("dimension"), _str("value"),
        _int("debits"), _int("credits"), _int("pending_debits"), _int("pending_credits"),
        _int("functional"),
        sa.PrimaryKeyConstraint("book", "account", "currency", "dimension", "value",
                                name="pk_ledger_balances"),
        sa.CheckConstraint(_range("debits", "credits", "pending_debits", "pending_credits",
                                  "functional"), name="ck_ledger_balances_range"),
    )
    op.create_table(
        "ledger_balance_days",
        _str("book"), _str("account"), _str("currency"), _str("dimension"), _str("value"),
        sa.Column("day", sa.Date(), nullable=False),
        _int("debits"), _int("credits"), _int("functional"),
        sa.PrimaryKeyConstraint("book", "account", "currency", "dimension", "value", "day",
                                name="pk_ledger_balance_days"),
        sa.CheckConstraint(_range("debits", "credits", "functional"),
                           name="ck_ledger_balance_days_range"),
    )
    op.create_table(
        "ledger_fiscal_years",
        _str("book"), _str("name"),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        _str("closing_entry", True), _int("version"),
        sa.PrimaryKeyConstraint("book", "name", name="pk_ledger_fiscal_years"),
    )
    op.create_table(
        "ledger_rates",
        _str("book"), _str("base"), _str("quote"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric().with_variant(sa.String(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("book", "base", "quote", "day", name="pk_ledger_rates"),
    )
    op.create_table(
        "ledger_heads",
        _str("book"), _int("seq"), _str("hash"),
        sa.PrimaryKeyConstraint("book", name="pk_ledger_heads"),
    )


def downgrade() -> None:
    """Drop every ledger table."""
    for table in ("ledger_heads", "ledger_rates", "ledger_fiscal_years", "ledger_balance_days",
                  "ledger_balances", "ledger_postings", "ledger_entries", "ledger_accounts",
                  "ledger_books"):
        op.drop_table(table)
