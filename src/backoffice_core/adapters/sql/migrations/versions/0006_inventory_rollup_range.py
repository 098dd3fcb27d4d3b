"""Inventory: a CHECK keeps every rollup column within BIGINT (SQLite overflowed into REAL).

The running totals and per-day rollups are updated with ``x = x + delta``. On SQLite an
integer sum past 2**63 - 1 silently becomes a float, and the rounded value was stored;
the constraint makes such a write fail (PostgreSQL refused it already).

Revision ID: 0006_inventory_rollup_range
Revises: 0005_reorder_rule_supplier
Create Date: 2026-11-28

Example:
    >>> revision, down_revision
    ('0006_inventory_rollup_range', '0005_reorder_rule_supplier')
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_inventory_rollup_range"
down_revision: str | None = "0005_reorder_rule_supplier"
branch_labels: str | None = None
depends_on: str | None = None

__all__ = ["downgrade", "upgrade"]

_MAX = 2**63 - 1
#: table -> (constraint, bounded columns), as in ``inventory_tables.ROLLUP_CHECKS`` today
_CHECKS = {
    "inv_route_days": ("ck_inv_route_days_range", ("quantity",)),
    "inv_quantities": ("ck_inv_quantities_range", ("quantity",)),
    "inv_reserved": ("ck_inv_reserved_range", ("quantity",)),
    "inv_value_days": ("ck_inv_value_days_range", ("quantity", "value")),
}


def _condition(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"{c} BETWEEN -{_MAX} AND {_MAX}" for c in columns)


def upgrade() -> None:
    """Add ``ck_<table>_range`` to each rollup table (batch mode: SQLite rebuilds it)."""
    for table, (name, columns) in _CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(name, _condition(columns))


def downgrade() -> None:
    """Drop the constraints again."""
    for table, (name, _) in _CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="check")
