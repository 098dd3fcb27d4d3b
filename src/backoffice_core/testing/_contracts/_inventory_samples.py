"""The inventory contract's sample aggregates, and a dump of what the port shows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from backoffice_core.inventory.counts import Count, CountKind, CountLine, CountState
from backoffice_core.inventory.items import Item, ItemKind, Tracking, ValuationMethod
from backoffice_core.inventory.locations import Location, LocationKind
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import Move, MoveKind, MoveState
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.repository import InventoryRepository, InventoryUnitOfWork
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState
from backoffice_core.ports import UnitOfWork

__all__ = ["dump_inventory", "inventory_of", "master", "write_master"]

D = date
Q = Decimal


def inventory_of(uow: UnitOfWork) -> InventoryRepository:
    """The inventory repository of a unit of work (``uow.inventory``)."""
    return cast(InventoryUnitOfWork, uow).inventory


def master() -> dict[str, Any]:
    """One of every inventory aggregate, every field set (the round-trip sample)."""
    state = CostState(ValuationMethod.FIFO, None, (("m1", D(2026, 2, 2), 10, 2500, 4, 1000),),
                      (("m9", "cogs", 2, 500),), (250, 1), (D(2026, 2, 3), 7), (2026, 2), 3,
                      (("m8", 1600), ("m7", -3)))  # settled debts: kept in their order
    return {
        "unit": Unit("box12", "Box of 12", "count", Q("12"), 0),
        "items": [
            Item("WID", "Widget", "pc", ItemKind.STOCKABLE, ValuationMethod.FIFO, Tracking.LOT,
                 "parts", "4006381333931", {"colour": "red", "size": 3, "rate": Q("1.50")},
                 True, Q("2.125"), Q("0.250"), 0),
            Item("BOLT", "Bolt", "kg", valuation=ValuationMethod.STANDARD,
                 standard_cost=Q("7.5")),
        ],
        "locations": [Location("WH", "Main", LocationKind.WAREHOUSE),
                      Location("WH/A1", "Bin A1", LocationKind.BIN, "WH", True, None, 0),
                      Location("LOSS", "Loss", LocationKind.INVENTORY_LOSS, role="scrap")],
        "lots": [Lot("WID", "L2", D(2026, 5, 1)), Lot("WID", "L1", None)],
        "moves": [
            Move("m1", 1, "WID", Q("10"), "supplier", "WH/A1", D(2026, 2, 2), MoveKind.RECEIPT,
                 MoveState.DONE, "L1", "PO-1", None, Q("2.50"), 0, "h-1"),
            Move("m2", 2, "WID", Q("1.5"), "WH/A1", "customer", D(2026, 2, 1),
                 MoveKind.DELIVERY, MoveState.DRAFT),
            Move("m3", 3, "WID", Q("2"), "WH/A1", "customer", D(2026, 2, 5),
                 MoveKind.DELIVERY, MoveState.RESERVED, "L1", "SO-1"),
            Move("m4", 4, "WID", Q("1"), "customer", "WH/A1", D(2026, 2, 6), MoveKind.RETURN,
                 MoveState.DONE, "L1", "", "m1", None, 2),
            Move("m5", 5, "BOLT", Q("0.125"), "WH", "LOSS", D(2026, 2, 6), MoveKind.SCRAP,
                 MoveState.CANCELLED),
        ],
        "records": [
            CostRecord("WID", D(2026, 2, 2), 1, "m1", CostKind.IN, 10, 2500, "grni",
                       value=2500, lines=(("grni", -2500),), cost=2500, snapshot=state),
            CostRecord("WID", D(2026, 2, 6), 4, "m4", CostKind.RETURN_IN, 1, None, "cogs", "m1",
                       3, value=250, lines=(("cogs", -250),), cost=250),
            CostRecord("WID", D(2026, 2, 7), 6, "rv", CostKind.REVALUE,
                       method=ValuationMethod.STANDARD, standard=Q("3.10")),
        ],
        "state": state,
        "count": Count("c1", "WH", D(2026, 2, 27), CountKind.CYCLE, CountState.OPEN,
                       (CountLine("WID", "WH/A1", "L1", Q("8"), Q("7.5")),
                        CountLine("BOLT", "WH", "", Q("0"))), ("m4",), Q("12.30"), 0,
                       ("m3",)),
        "rule": ReorderRule("WID", "WH", Q("5"), Q("20"), None, 3, Q("2"), supplier="p-1"),
    }


def write_master(repo: Any, m: dict[str, Any]) -> None:
    """Write the aggregates of :func:`master` through ``repo`` (the caller commits)."""
    repo.add_unit(m["unit"])
    for i in m["items"]:
        repo.add_item(i)
    for loc in m["locations"]:
        repo.add_location(loc)
    for lot in m["lots"]:
        repo.add_lot(lot)
    repo.add_moves(m["moves"])
    repo.add_cost_records(m["records"])
    repo.save_cost_state("WID", m["state"])
    repo.add_count(m["count"])
    repo.save_reorder_rule(m["rule"], None)


def dump_inventory(repo: Any) -> dict[str, Any]:
    """Everything the inventory port shows of the sample without writing."""
    return {"units": repo.list_units(), "items": repo.list_items(),
            "locations": repo.list_locations(), "lots": repo.list_lots("WID"),
            "moves": list(repo.iter_moves()), "open": repo.open_moves(),
            "stock": repo.stock(), "counts": repo.list_counts(),
            "rules": repo.list_reorder_rules(), "values": repo.values(),
            "records": repo.cost_records("WID"), "state": repo.get_cost_state("WID"),
            "reserved": repo.reserved("WID", "WH/A1")}
