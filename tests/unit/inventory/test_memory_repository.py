"""The in-memory inventory repository: every write is undone on rollback, even half-way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from backoffice_core.inventory import (
    Count,
    CountKind,
    Item,
    Location,
    Lot,
    Move,
    MoveKind,
    MoveState,
    ReorderRule,
    Unit,
)
from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.inventory.moves import QuantityDelta
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

D1, D2, D3 = date(2026, 2, 1), date(2026, 2, 2), date(2026, 2, 3)


def _move(n: int, state: MoveState = MoveState.DONE, origin: str | None = None) -> Move:
    return Move(f"m{n}", n, "A", Decimal(1), "supplier", "WH", D1, MoveKind.RECEIPT, state,
                origin=origin)


def _record(n: int, day: date = D1, snap: bool = False) -> CostRecord:
    return CostRecord("A", day, n, f"m{n}", CostKind.IN, 1, 100, "grni", value=100,
                      lines=(("grni", -100),),
                      snapshot=CostState(ValuationMethod.FIFO) if snap else None)


def _view(store: MemoryStore) -> dict[str, Any]:
    with store("b") as uow:
        r = uow.inventory
        return {
            "seq": r.allocate_seq(0), "units": r.list_units(), "items": r.list_items(),
            "locations": r.list_locations(), "lots": r.list_lots("A"),
            "moves": list(r.iter_moves()), "open": r.open_moves(), "returns": r.returns_of("m1"),
            "stock": r.stock(), "stock_d1": r.stock(day=D1), "low": r.lowest_quantity(
                "A", "WH", "", D1), "reserved": r.reserved("A", "WH"),
            "state": r.get_cost_state("A"), "records": r.cost_records("A"),
            "checkpoint": r.cost_checkpoint("A", (D3, 99)), "value": r.value("A"),
            "value_d1": r.value("A", D1), "counts": r.list_counts(),
            "rules": r.list_reorder_rules(),
        }


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    with store("b") as uow:
        r = uow.inventory
        r.add_item(Item("A", "A"))
        r.add_moves([_move(1), _move(2)])
        r.apply_quantities([QuantityDelta("A", "supplier", "WH", "", D1, Decimal(5))])
        r.add_cost_records([_record(1, snap=True), _record(2, D2)])
        r.save_cost_state("A", CostState(ValuationMethod.FIFO))
        uow.commit()
    return store


WRITES: dict[str, Callable[[Any], None]] = {
    "seq": lambda r: r.allocate_seq(5),
    "unit": lambda r: r.add_unit(Unit("box", "Box", "count", 6)),
    "item": lambda r: r.add_item(Item("B", "B")),
    "item update": lambda r: r.update_item(Item("A", "A2", version=1), 0),
    "location": lambda r: r.add_location(Location("WH", "WH", "warehouse")),
    "lot": lambda r: r.add_lot(Lot("A", "L1")),
    "moves": lambda r: r.add_moves([_move(3, MoveState.RESERVED), _move(4, origin="m1")]),
    "move update": lambda r: r.update_move(_move(1)._replace(state=MoveState.CANCELLED,
                                                             version=1), 0),
    "quantities": lambda r: r.apply_quantities([
        QuantityDelta("A", "WH", "customer", "", D2, Decimal(2)),
        QuantityDelta("A", "supplier", "W2", "L", D3, Decimal(4))]),
    "backdated quantities": lambda r: r.apply_quantities([
        QuantityDelta("A", "WH", "customer", "", date(2026, 1, 1), Decimal(1))]),
    "reservations": lambda r: r.apply_reservations([("A", "WH", Decimal(2))]),
    "cost state": lambda r: r.save_cost_state("A", CostState(ValuationMethod.LIFO)),
    "cost records": lambda r: r.add_cost_records([_record(3, D3), _record(0, D1, snap=True)]),
    "record replace": lambda r: r.replace_cost_records([_record(2, D2, snap=True)._replace(
        value=7)]),
    "count": lambda r: r.add_count(Count("c1", "WH", D1, CountKind.CYCLE)),
    "rule": lambda r: r.save_reorder_rule(ReorderRule("A", "WH", reorder_point=1,
                                                      max_quantity=2), None),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_is_undone_by_rollback(store: MemoryStore, write: str) -> None:
    before = _view(store)
    with store("b") as uow:
        WRITES[write](uow.inventory)
        # not committed: leaving the block rolls back
    assert _view(store) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_is_visible_after_commit(store: MemoryStore, write: str) -> None:
    before = _view(store)
    with store("b") as uow:
        WRITES[write](uow.inventory)
        uow.commit()
    assert _view(store) != before


def test_a_failure_half_way_through_a_batch_is_undone(store: MemoryStore) -> None:
    before = _view(store)
    with pytest.raises(DuplicateError), store("b") as uow:
        uow.inventory.add_moves([_move(3), _move(1)])  # the second id is taken
    with pytest.raises(DuplicateError), store("b") as uow:
        uow.inventory.add_cost_records([_record(3, D3), _record(1)])
    with pytest.raises(TypeError), store("b") as uow:
        uow.inventory.apply_quantities([
            QuantityDelta("A", "WH", "customer", "", D2, Decimal(1)),
            QuantityDelta("A", "WH", "customer", "", D2, "one")])  # type: ignore[arg-type]
    assert _view(store) == before


def test_keys_and_versions(store: MemoryStore) -> None:
    with store("b") as uow:
        r = uow.inventory
        with pytest.raises(DuplicateError):
            r.add_item(Item("A", "again"))
        with pytest.raises(ConcurrencyError):
            r.update_item(Item("A", "A2", version=5), 4)
        with pytest.raises(NotFoundError):
            r.update_item(Item("Z", "Z"), 0)
        with pytest.raises(ConcurrencyError):
            r.update_move(_move(1), 3)
        with pytest.raises(NotFoundError):
            r.update_move(_move(9), 0)
        with pytest.raises(DuplicateError):
            r.add_cost_records([_record(9)._replace(seq=2, day=D2)])  # (day, seq) taken
        with pytest.raises(NotFoundError):
            r.replace_cost_records([_record(9)])
        with pytest.raises(NotFoundError):
            r.delete_reorder_rule("A", "WH")


def test_quantities_as_of_and_lowest(store: MemoryStore) -> None:
    with store("b") as uow:
        r = uow.inventory
        r.apply_quantities([QuantityDelta("A", "WH", "customer", "", D3, Decimal(4)),
                            QuantityDelta("A", "supplier", "WH", "", D2, Decimal(1))])
        assert r.quantity("A", "WH") == 2
        assert [r.quantity("A", "WH", day=d) for d in (date(2026, 1, 1), D1, D2, D3)] == [
            0, 5, 6, 2]
        assert r.lowest_quantity("A", "WH", "", D1) == 2
        assert r.lowest_quantity("A", "WH", "", D3) == 2
        assert r.quantity("A", "customer") == 4 and r.quantity("A", "supplier") == -6
        assert r.cost_checkpoint("A", (D1, 0)) is None
        assert r.cost_checkpoint("A", (D3, 0)) == _record(1, snap=True)
        assert r.value("A", date(2026, 1, 31)) == (0, 0) and r.value("A") == (2, 200)
