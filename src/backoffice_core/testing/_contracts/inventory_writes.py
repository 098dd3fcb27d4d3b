"""Every kind of inventory write rolls back, one by one (a part of
:class:`~backoffice_core.testing.InventoryRepositoryContract`, which runs it).

The ledger's :class:`~backoffice_core.testing.UnitOfWorkContract` checks each ledger
write the same way; an adapter that forgets to undo one kind of write (a lot added, a
count updated, a reorder rule deleted) keeps it after a rollback, and only a check per
kind of write finds that.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from backoffice_core.inventory.counts import CountState
from backoffice_core.inventory.items import Item, ValuationMethod
from backoffice_core.inventory.locations import Location, LocationKind
from backoffice_core.inventory.lots import Lot
from backoffice_core.inventory.moves import MoveState, QuantityDelta
from backoffice_core.inventory.replenishment import ReorderRule
from backoffice_core.inventory.units import Unit
from backoffice_core.inventory.valuation import CostState
from backoffice_core.ports import UnitOfWorkFactory
from backoffice_core.testing._contracts import _inventory_samples as samples
from backoffice_core.testing._contracts._base import Contract, check_write_undone

__all__ = ["INVENTORY_WRITES", "InventoryWritesContract"]

D = date
Q = Decimal
Write = Callable[[Any, dict[str, Any]], Any]


def _update_item(repo: Any, m: dict[str, Any]) -> None:
    old = repo.get_item("BOLT")
    repo.update_item(attrs.evolve(old, name="Renamed", version=old.version + 1), old.version)


def _update_move(repo: Any, m: dict[str, Any]) -> None:
    old = m["moves"][1]  # m2, a draft
    repo.update_move(old._replace(state=MoveState.CANCELLED, version=old.version + 1),
                     old.version)


def _update_count(repo: Any, m: dict[str, Any]) -> None:
    old = m["count"]
    repo.update_count(attrs.evolve(old, state=CountState.CANCELLED, version=old.version + 1),
                      old.version)


def _replace_rule(repo: Any, m: dict[str, Any]) -> None:
    old = m["rule"]
    repo.save_reorder_rule(attrs.evolve(old, max_quantity=Q("30"), version=old.version + 1),
                           old.version)


#: name -> a write on the sample book (``samples.master`` and its quantities).
INVENTORY_WRITES: dict[str, Write] = {
    "seq_allocate": lambda r, m: r.allocate_seq(3),
    "unit_add": lambda r, m: r.add_unit(Unit("dozen", "Dozen", "count", Q("12"), 0)),
    "item_add": lambda r, m: r.add_item(Item("NEW", "New")),
    "item_update": _update_item,
    "location_add": lambda r, m: r.add_location(Location("WH/B2", "Bin B2", LocationKind.BIN,
                                                         "WH")),
    "lot_add": lambda r, m: r.add_lot(Lot("WID", "L3", D(2027, 1, 1))),
    "moves_add": lambda r, m: r.add_moves([m["moves"][1]._replace(id="m9", seq=9)]),
    "move_update": _update_move,
    "quantities_apply": lambda r, m: r.apply_quantities(
        [QuantityDelta("WID", "supplier", "WH", "", D(2026, 2, 2), Q(7))]),
    "reservations_apply": lambda r, m: r.apply_reservations([("WID", "WH/A1", Q(1))]),
    "cost_state_save": lambda r, m: r.save_cost_state("WID", CostState(ValuationMethod.LIFO)),
    "cost_state_create": lambda r, m: r.save_cost_state("BOLT",
                                                        CostState(ValuationMethod.STANDARD)),
    "cost_records_add": lambda r, m: r.add_cost_records(
        [m["records"][2]._replace(event="ok", seq=50)]),
    "cost_records_replace": lambda r, m: r.replace_cost_records(
        [m["records"][1]._replace(value=999)]),
    "count_add": lambda r, m: r.add_count(attrs.evolve(m["count"], id="c2")),
    "count_update": _update_count,
    "reorder_rule_add": lambda r, m: r.save_reorder_rule(
        ReorderRule("BOLT", "WH", Q("1"), Q("5")), None),
    "reorder_rule_replace": _replace_rule,
    "reorder_rule_delete": lambda r, m: r.delete_reorder_rule("WID", "WH"),
}


def _dump(repo: Any) -> dict[str, Any]:
    """What the port shows, with the next move number (a unit that reads it is undone)."""
    return {**samples.dump_inventory(repo), "next_seq": repo.allocate_seq(1),
            "stock on 2026-02-02": repo.stock(day=D(2026, 2, 2)),
            "BOLT cost state": repo.get_cost_state("BOLT")}


class InventoryWritesContract(Contract):
    """Each kind of inventory write is undone by leaving without commit and by ``rollback()``.

    Example:
        >>> class TestMyInventoryWrites(InventoryWritesContract):
        ...     pass
        >>> "test_inventory_each_write_rolls_back" in dir(TestMyInventoryWrites)
        True
    """

    @pytest.fixture(autouse=True)
    def _needs_inventory(self, _backoffice_kit: None, uow_factory: UnitOfWorkFactory) -> None:
        self.require_repository("inventory", uow_factory)

    @pytest.mark.parametrize("write", list(INVENTORY_WRITES))
    def test_inventory_each_write_rolls_back(self, uow_factory: UnitOfWorkFactory,
                                             write: str) -> None:
        """The write shows inside its unit; leaving by an exception, or ``rollback()`` then
        ``commit()``, leaves the book as it was."""
        m = samples.master()
        with uow_factory("kit") as uow:
            samples.write_master(samples.inventory_of(uow), m)
            samples.inventory_of(uow).apply_quantities(
                [QuantityDelta("WID", "supplier", "WH/A1", "L1", D(2026, 2, 2), Q("10"))])
            uow.commit()
        fn = INVENTORY_WRITES[write]
        check_write_undone(uow_factory, write, lambda uow: fn(samples.inventory_of(uow), m),
                           lambda uow: _dump(samples.inventory_of(uow)))
