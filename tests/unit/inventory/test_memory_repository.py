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
            "by_event": [r.get_cost_record(e) for e in ("m0", "m1", "m2", "m3", "m5")],
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
    "bulk moves": lambda r: r.add_moves([  # done, in (date, seq) order: the bulk case
        _move(5)._replace(date=D2), _move(6)._replace(date=D3),
        Move("m7", 0, "A", Decimal(2), "WH", "customer", D1, MoveKind.DELIVERY,
             MoveState.DONE)._replace(seq=7, date=D3)]),
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


def _done(move_id: str, seq: int, day: date, sku: str = "A") -> Move:
    return Move(move_id, seq, sku, Decimal(1), "supplier", "WH", day, MoveKind.RECEIPT,
                MoveState.DONE)


def _own(move: Move, value: int = 100) -> CostRecord:
    """The cost record of ``move`` itself (its event is the move's id, at its key)."""
    return CostRecord(move.sku, move.date, move.seq, move.id, CostKind.IN, 1, value, "grni",
                      value=value, lines=(("grni", -value),))


def _index(store: MemoryStore, sku: str = "A") -> list[str]:
    with store("b") as uow:
        return [m.id for m in uow.inventory._d.done.get(sku, [])]


def test_bulk_moves_keep_each_items_index_in_date_order(store: MemoryStore) -> None:
    """The bulk case of add_moves (done moves in (date, seq) order) appends to each item's
    index, puts a backdated one in its place, and is undone by a rollback."""
    late = [_done("n1", 10, D2), _done("n2", 11, D2, "B"), _done("n3", 12, D3)]
    early = [_done("n4", 0, date(2026, 1, 15)), _done("n5", 13, D3, "B")]
    with store("b") as uow:
        uow.inventory.add_moves(late)
        uow.inventory.add_moves(early)
        assert uow.inventory.get_move("n4") == early[0]
        assert uow.inventory.lowest_quantity("A", "WH", "", date(2026, 1, 1)) == 0
    assert _index(store) == ["m1", "m2"] and _index(store, "B") == []
    with store("b") as uow:
        uow.inventory.add_moves(late)
        uow.inventory.add_moves(early)
        uow.commit()
    assert _index(store) == ["n4", "m1", "m2", "n1", "n3"] and _index(store, "B") == ["n2", "n5"]


@pytest.mark.parametrize("ids", [("n1", "n1"), ("n1", "m1"), ("a1", "m2")])
def test_a_bulk_of_moves_with_a_taken_or_repeated_id_is_refused(store: MemoryStore,
                                                               ids: tuple[str, str]) -> None:
    before = _view(store)
    with pytest.raises(DuplicateError) as info, store("b") as uow:
        uow.inventory.add_moves([_done(ids[0], 10, D2), _done(ids[1], 11, D3)])
    assert info.value.field == "id" and info.value.value in ids
    assert _view(store) == before and _index(store) == ["m1", "m2"]
    with store("b") as uow:
        assert uow.inventory.get_move("n1") is None and uow.inventory.get_move("a1") is None


def test_a_moves_own_record_is_found_by_the_moves_key(store: MemoryStore) -> None:
    """Records of moves are found by event without an event index of their own; an event
    is still recorded once, and a move whose key changes keeps its record findable."""
    moves = [_done("n1", 10, D2), _done("n2", 11, D3)]
    with store("b") as uow:
        r = uow.inventory
        r.add_moves(moves)
        r.add_cost_records([_own(m) for m in moves])
        assert r.get_cost_record("n2") == _own(moves[1])
        assert r.get_cost_record("m1") == _record(1, snap=True)  # its move's own
        assert r.get_cost_record("m2") == _record(2, D2)  # dated apart from its move
        assert r.get_cost_record("nope") is None
        for taken in (_own(moves[0])._replace(seq=50), _record(2, D3)._replace(seq=60)):
            with pytest.raises(DuplicateError) as info:
                r.add_cost_records([taken])
            assert info.value.field == "event"
        r.replace_cost_records([_own(moves[0], 70)])
        assert r.get_cost_record("n1") == _own(moves[0], 70) and r.value("A") == (4, 370)
        with pytest.raises(NotFoundError):
            r.replace_cost_records([_own(moves[0])._replace(event="n2")])
        uow.commit()
    with store("b") as uow:  # a key change (not done by the services) keeps it findable
        uow.inventory.update_move(moves[1]._replace(seq=99), 0)
        assert uow.inventory.get_cost_record("n2") == _own(moves[1])
    with store("b") as uow:
        assert uow.inventory._d.by_event.keys() == {"m2"}
        assert uow.inventory.get_cost_record("n2") == _own(moves[1])
