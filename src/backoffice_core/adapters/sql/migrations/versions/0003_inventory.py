"""Inventory schema: units, items, locations, lots, moves, quantity and value rollups,
cost records and states, counts, reorder rules.

Revision ID: 0003_inventory
Revises: 0002_documents
Create Date: 2026-11-27

Example:
    >>> revision, down_revision
    ('0003_inventory', '0002_documents')
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003_inventory"
down_revision: str | None = "0002_documents"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_TABLES = (
    "inv_reorder_rules",
    "inv_counts",
    "inv_value_days",
    "inv_cost_records",
    "inv_cost_states",
    "inv_reserved",
    "inv_quantities",
    "inv_route_days",
    "inv_moves",
    "inv_lots",
    "inv_locations",
    "inv_items",
    "inv_units",
    "inv_heads",
)


def _str(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _int(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def _bool(name: str, nullable: bool = False) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=nullable)


def _date(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _dec(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Numeric().with_variant(sa.String(), "sqlite"), nullable=nullable)


def upgrade() -> None:
    """Create every inventory table."""
    op.create_table(
        "inv_heads",
        _str("book"),
        _int("seq"),
        sa.PrimaryKeyConstraint("book", name="pk_inv_heads"),
    )
    op.create_table(
        "inv_units",
        _str("book"),
        _str("code"),
        _text("name"),
        _str("category"),
        _dec("factor"),
        _int("precision"),
        sa.PrimaryKeyConstraint("book", "code", name="pk_inv_units"),
    )
    op.create_table(
        "inv_items",
        _str("book"),
        _str("sku"),
        _text("name"),
        _str("unit"),
        _str("kind"),
        _str("valuation"),
        _str("tracking"),
        _text("category"),
        _text("barcode"),
        _text("attributes"),
        _bool("allow_negative"),
        _dec("standard_cost", True),
        _dec("weight", True),
        _int("version"),
        sa.PrimaryKeyConstraint("book", "sku", name="pk_inv_items"),
    )
    op.create_table(
        "inv_locations",
        _str("book"),
        _str("code"),
        _text("name"),
        _str("kind"),
        _str("parent", True),
        _bool("allow_negative"),
        _str("role", True),
        _int("version"),
        sa.PrimaryKeyConstraint("book", "code", name="pk_inv_locations"),
    )
    op.create_table(
        "inv_lots",
        _str("book"),
        _str("sku"),
        _str("code"),
        _date("expiry", True),
        sa.PrimaryKeyConstraint("book", "sku", "code", name="pk_inv_lots"),
    )
    op.create_table(
        "inv_moves",
        _str("book"),
        _str("id"),
        _int("seq"),
        _str("sku"),
        _dec("quantity"),
        _str("source"),
        _str("destination"),
        _date("move_date"),
        _str("kind"),
        _str("state"),
        _str("lot", True),
        _text("reference"),
        _str("origin", True),
        _dec("unit_cost", True),
        _int("version"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_inv_moves"),
    )
    op.create_index("ix_inv_moves_date", "inv_moves", ["book", "move_date", "seq"])
    op.create_index(
        "ix_inv_moves_open",
        "inv_moves",
        ["book", "seq"],
        sqlite_where=sa.text("state IN ('draft', 'reserved')"),
        postgresql_where=sa.text("state IN ('draft', 'reserved')"),
    )
    op.create_index("ix_inv_moves_origin", "inv_moves", ["book", "origin", "seq"])
    op.create_index("ix_inv_moves_sku", "inv_moves", ["book", "sku", "move_date", "seq"])
    op.create_table(
        "inv_route_days",
        _str("book"),
        _str("sku"),
        _str("source"),
        _str("destination"),
        _str("lot"),
        _date("day"),
        _int("quantity"),
        sa.PrimaryKeyConstraint(
            "book", "sku", "source", "destination", "lot", "day", name="pk_inv_route_days"
        ),
    )
    op.create_index(
        "ix_inv_route_days_destination",
        "inv_route_days",
        ["book", "sku", "destination", "lot", "day"],
    )
    op.create_table(
        "inv_quantities",
        _str("book"),
        _str("sku"),
        _str("location"),
        _str("lot"),
        _int("quantity"),
        _date("last_day"),
        sa.PrimaryKeyConstraint("book", "sku", "location", "lot", name="pk_inv_quantities"),
    )
    op.create_table(
        "inv_reserved",
        _str("book"),
        _str("sku"),
        _str("location"),
        _int("quantity"),
        sa.PrimaryKeyConstraint("book", "sku", "location", name="pk_inv_reserved"),
    )
    op.create_table(
        "inv_cost_states",
        _str("book"),
        _str("sku"),
        _text("state"),
        sa.PrimaryKeyConstraint("book", "sku", name="pk_inv_cost_states"),
    )
    op.create_table(
        "inv_cost_records",
        _str("book"),
        _str("sku"),
        _date("day"),
        _int("seq"),
        _str("event"),
        _str("kind"),
        _int("quantity"),
        _int("given", True),
        _str("role"),
        _str("origin", True),
        _int("prior"),
        _str("method", True),
        _dec("standard", True),
        _int("value"),
        _text("lines"),
        _int("cost"),
        _text("snapshot", True),
        sa.UniqueConstraint("book", "event", name="uq_inv_cost_records_event"),
        sa.PrimaryKeyConstraint("book", "sku", "day", "seq", name="pk_inv_cost_records"),
    )
    op.create_index(
        "ix_inv_cost_records_snapshot",
        "inv_cost_records",
        ["book", "sku", "day", "seq"],
        sqlite_where=sa.text("snapshot IS NOT NULL"),
        postgresql_where=sa.text("snapshot IS NOT NULL"),
    )
    op.create_table(
        "inv_value_days",
        _str("book"),
        _str("sku"),
        _date("day"),
        _int("quantity"),
        _int("value"),
        sa.PrimaryKeyConstraint("book", "sku", "day", name="pk_inv_value_days"),
    )
    op.create_table(
        "inv_counts",
        _str("book"),
        _str("id"),
        _str("location"),
        _date("count_date"),
        _str("kind"),
        _str("state"),
        _text("lines"),
        _text("adjustments"),
        _dec("value", True),
        _int("version"),
        sa.PrimaryKeyConstraint("book", "id", name="pk_inv_counts"),
    )
    op.create_table(
        "inv_reorder_rules",
        _str("book"),
        _str("sku"),
        _str("location"),
        _dec("reorder_point"),
        _dec("max_quantity", True),
        _dec("order_quantity", True),
        _int("lead_time_days"),
        _dec("multiple", True),
        _int("version"),
        sa.PrimaryKeyConstraint("book", "sku", "location", name="pk_inv_reorder_rules"),
    )


def downgrade() -> None:
    """Drop every inventory table."""
    for table in _TABLES:
        op.drop_table(table)
