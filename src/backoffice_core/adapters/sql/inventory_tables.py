"""The SQL schema of the inventory: Core tables registered on the ledger's :data:`metadata`.

Same rules as :mod:`backoffice_core.adapters.sql.tables`: every primary key starts
with ``book`` and nothing refers across books. Master data and moves keep their
quantities and prices exactly (``NUMERIC`` on PostgreSQL, decimal text on SQLite).
The running totals and per-day rollups that ``x = x + delta`` updates hold
quantities as ``BIGINT`` counts of :data:`QUANTITY_SCALE` (nano-units: the finest
precision a unit may have is 9 places), so both databases add them exactly;
valuation figures are integer steps and minor units. A ``CHECK`` keeps every
rollup column in the ``BIGINT`` range (:data:`ROLLUP_RANGE`), so that SQLite refuses a
sum that overflows instead of silently storing it as a float. Engine states, snapshots,
count lines and item attributes are JSON text.

Example:
    >>> sorted(t for t in metadata.tables if t.startswith("inv_"))[:3]
    ['inv_cost_records', 'inv_cost_states', 'inv_counts']
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from backoffice_core.adapters.sql.tables import ExactDecimal, metadata

__all__ = [
    "QUANTITY_SCALE",
    "ROLLUP_CHECKS",
    "ROLLUP_RANGE",
    "rollup_check",
    "cost_records",
    "cost_states",
    "counts",
    "heads",
    "items",
    "locations",
    "lots",
    "metadata",
    "moves",
    "quantities",
    "reorder_rules",
    "reserved",
    "route_days",
    "units",
    "value_days",
]

#: Rollup quantities are stored as integer multiples of ``10**-9``.
QUANTITY_SCALE = 10**9
_OPEN = "state IN ('draft', 'reserved')"
#: the bound of a rollup column: what ``BIGINT`` holds (SQLite overflows into REAL past it)
ROLLUP_RANGE = 2**63 - 1
#: table -> (constraint name, the columns it bounds); revision 0006_inventory_rollup_range
ROLLUP_CHECKS = {
    "inv_route_days": ("ck_inv_route_days_range", ("quantity",)),
    "inv_quantities": ("ck_inv_quantities_range", ("quantity",)),
    "inv_reserved": ("ck_inv_reserved_range", ("quantity",)),
    "inv_value_days": ("ck_inv_value_days_range", ("quantity", "value")),
}


def rollup_check(table: str) -> str:
    """The ``CHECK`` condition that bounds ``table``'s rollup columns.

    Example:
        >>> rollup_check("inv_reserved")
        'quantity BETWEEN -9223372036854775807 AND 9223372036854775807'
    """
    return " AND ".join(f"{c} BETWEEN -{ROLLUP_RANGE} AND {ROLLUP_RANGE}"
                        for c in ROLLUP_CHECKS[table][1])


def _bounded(table: str) -> CheckConstraint:
    return CheckConstraint(rollup_check(table), name=ROLLUP_CHECKS[table][0])


def _s(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String, nullable=nullable)


def _i(name: str, nullable: bool = False) -> Column[int]:
    return Column(name, BigInteger, nullable=nullable)


heads = Table(
    "inv_heads", metadata, _s("book"), _i("seq"),
    PrimaryKeyConstraint("book", name="pk_inv_heads"),
)
units = Table(
    "inv_units", metadata, _s("book"), _s("code"), Column("name", Text, nullable=False),
    _s("category"), Column("factor", ExactDecimal, nullable=False), _i("precision"),
    PrimaryKeyConstraint("book", "code", name="pk_inv_units"),
)
items = Table(
    "inv_items", metadata, _s("book"), _s("sku"), Column("name", Text, nullable=False),
    _s("unit"), _s("kind"), _s("valuation"), _s("tracking"),
    Column("category", Text, nullable=False), Column("barcode", Text, nullable=False),
    Column("attributes", Text, nullable=False),
    Column("allow_negative", Boolean, nullable=False),
    Column("standard_cost", ExactDecimal, nullable=True),
    Column("weight", ExactDecimal, nullable=True), _i("version"),
    PrimaryKeyConstraint("book", "sku", name="pk_inv_items"),
)
locations = Table(
    "inv_locations", metadata, _s("book"), _s("code"), Column("name", Text, nullable=False),
    _s("kind"), _s("parent", True), Column("allow_negative", Boolean, nullable=False),
    _s("role", True), _i("version"),
    PrimaryKeyConstraint("book", "code", name="pk_inv_locations"),
)
lots = Table(
    "inv_lots", metadata, _s("book"), _s("sku"), _s("code"),
    Column("expiry", Date, nullable=True),
    PrimaryKeyConstraint("book", "sku", "code", name="pk_inv_lots"),
)
moves = Table(
    "inv_moves", metadata, _s("book"), _s("id"), _i("seq"), _s("sku"),
    Column("quantity", ExactDecimal, nullable=False), _s("source"), _s("destination"),
    Column("move_date", Date, nullable=False), _s("kind"), _s("state"), _s("lot", True),
    Column("reference", Text, nullable=False), _s("origin", True),
    Column("unit_cost", ExactDecimal, nullable=True), _i("version"), _s("handover", True),
    PrimaryKeyConstraint("book", "id", name="pk_inv_moves"),
    Index("ix_inv_moves_date", "book", "move_date", "seq"),
    Index("ix_inv_moves_sku", "book", "sku", "move_date", "seq"),
    Index("ix_inv_moves_origin", "book", "origin", "seq"),
    Index("ix_inv_moves_open", "book", "seq", sqlite_where=text(_OPEN),
          postgresql_where=text(_OPEN)),
)
route_days = Table(
    "inv_route_days", metadata, _s("book"), _s("sku"), _s("source"), _s("destination"),
    _s("lot"), Column("day", Date, nullable=False), _i("quantity"),
    PrimaryKeyConstraint("book", "sku", "source", "destination", "lot", "day",
                         name="pk_inv_route_days"),
    _bounded("inv_route_days"),
    Index("ix_inv_route_days_destination", "book", "sku", "destination", "lot", "day"),
)
quantities = Table(
    "inv_quantities", metadata, _s("book"), _s("sku"), _s("location"), _s("lot"),
    _i("quantity"), Column("last_day", Date, nullable=False),
    PrimaryKeyConstraint("book", "sku", "location", "lot", name="pk_inv_quantities"),
    _bounded("inv_quantities"),
)
reserved = Table(
    "inv_reserved", metadata, _s("book"), _s("sku"), _s("location"), _i("quantity"),
    PrimaryKeyConstraint("book", "sku", "location", name="pk_inv_reserved"),
    _bounded("inv_reserved"),
)
cost_states = Table(
    "inv_cost_states", metadata, _s("book"), _s("sku"), Column("state", Text, nullable=False),
    PrimaryKeyConstraint("book", "sku", name="pk_inv_cost_states"),
)
cost_records = Table(
    "inv_cost_records", metadata, _s("book"), _s("sku"), Column("day", Date, nullable=False),
    _i("seq"), _s("event"), _s("kind"), _i("quantity"), _i("given", True), _s("role"),
    _s("origin", True), _i("prior"), _s("method", True),
    Column("standard", ExactDecimal, nullable=True), _i("value"),
    Column("lines", Text, nullable=False), _i("cost"), Column("snapshot", Text, nullable=True),
    PrimaryKeyConstraint("book", "sku", "day", "seq", name="pk_inv_cost_records"),
    UniqueConstraint("book", "event", name="uq_inv_cost_records_event"),
    Index("ix_inv_cost_records_snapshot", "book", "sku", "day", "seq",
          sqlite_where=text("snapshot IS NOT NULL"),
          postgresql_where=text("snapshot IS NOT NULL")),
)
value_days = Table(
    "inv_value_days", metadata, _s("book"), _s("sku"), Column("day", Date, nullable=False),
    _i("quantity"), _i("value"),
    PrimaryKeyConstraint("book", "sku", "day", name="pk_inv_value_days"),
    _bounded("inv_value_days"),
)
counts = Table(
    "inv_counts", metadata, _s("book"), _s("id"), _s("location"),
    Column("count_date", Date, nullable=False), _s("kind"), _s("state"),
    Column("lines", Text, nullable=False), Column("adjustments", Text, nullable=False),
    Column("value", ExactDecimal, nullable=True), _i("version"),
    Column("released", Text, nullable=False, server_default="[]"),
    PrimaryKeyConstraint("book", "id", name="pk_inv_counts"),
)
reorder_rules = Table(
    "inv_reorder_rules", metadata, _s("book"), _s("sku"), _s("location"),
    Column("reorder_point", ExactDecimal, nullable=False),
    Column("max_quantity", ExactDecimal, nullable=True),
    Column("order_quantity", ExactDecimal, nullable=True), _i("lead_time_days"),
    Column("multiple", ExactDecimal, nullable=True), _i("version"),
    _s("supplier", nullable=True),  # revision 0005_reorder_rule_supplier
    PrimaryKeyConstraint("book", "sku", "location", name="pk_inv_reorder_rules"),
)
