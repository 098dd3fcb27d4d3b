"""Inventory: items, units, locations, stock moves, lots, valuation, counts, replenishment.

Reach it as ``bo.inventory``. Every move that changes what the company owns
posts to the ledger in the same unit of work, through the book's posting roles
(``inventory``, ``grni``, ``cogs``, ``inventory_loss``, ``price_variance``), so
the stock valuation equals the inventory account on every date.

Example:
    >>> from datetime import date
    >>> import backoffice_core as bc
    >>> bo = bc.Backoffice.open("memory://")
    >>> bo.ledger.setup("Demo", currency="EUR", chart="generic")
    >>> _ = bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
    >>> _ = bo.inventory.create_item("TEA", "Green tea", unit="kg", valuation="average")
    >>> _ = bo.inventory.receive("TEA", "2.5", location="WH", unit_cost="12.00",
    ...                          on=date(2026, 2, 2))
    >>> _ = bo.inventory.deliver("TEA", 750, unit="g", location="WH", on=date(2026, 2, 3))
    >>> bo.inventory.on_hand("TEA"), bo.inventory.value("TEA")
    (Decimal('1.750'), Money('21.00', 'EUR'))
"""

from backoffice_core.inventory.counts import Count, CountKind, CountLine, CountState
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod
from backoffice_core.inventory.locations import VIRTUAL_LOCATIONS, Location, LocationKind
from backoffice_core.inventory.lots import Lot, PickLine
from backoffice_core.inventory.moves import Move, MoveKind, MoveSpec, MoveState
from backoffice_core.inventory.replenishment import (
    ReorderRule,
    ReorderSuggestion,
    eoq,
    reorder_point,
)
from backoffice_core.inventory.reports import (
    Reconciliation,
    StockLine,
    StockReport,
    ValuationLine,
    ValuationReport,
)
from backoffice_core.inventory.repository import InventoryRepository, InventoryUnitOfWork
from backoffice_core.inventory.service import Inventory
from backoffice_core.inventory.units import STANDARD_UNITS, Unit
from backoffice_core.inventory.valuation import CostKind, Layer, ValuationEntry
from backoffice_core.inventory.valuing import LandedCost

__all__ = [
    "STANDARD_UNITS",
    "VIRTUAL_LOCATIONS",
    "CostKind",
    "Count",
    "CountKind",
    "CountLine",
    "CountState",
    "Inventory",
    "InventoryRepository",
    "InventoryUnitOfWork",
    "Item",
    "ItemKind",
    "LandedCost",
    "Layer",
    "Location",
    "LocationKind",
    "Lot",
    "Move",
    "MoveKind",
    "MoveSpec",
    "MoveState",
    "PickLine",
    "Reconciliation",
    "ReorderRule",
    "ReorderSuggestion",
    "StockLine",
    "StockReport",
    "Tracking",
    "Unit",
    "ValuationEntry",
    "ValuationLine",
    "ValuationMethod",
    "ValuationReport",
    "eoq",
    "reorder_point",
]
