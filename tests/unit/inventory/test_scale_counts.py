"""Work that must not grow faster than the data it covers (counted, never timed).

Counts, reorder suggestions and stock as of a day over many items, lots and open moves:
each read is counted through a wrapper (repository calls, passes over the memory
adapter's tables, rows looked at), so a quadratic pattern fails here whatever the
machine's speed. Figures and timings: docs/performance.md, "Work that grows with the
data".
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

import pytest

import backoffice_core as bc
from backoffice_core.adapters.memory import MemoryStore
from backoffice_core.adapters.memory_inventory import MemoryInventoryRepository
from backoffice_core.inventory import MoveState

CLOCK = bc.FixedClock(datetime(2026, 3, 31, 9, 0, tzinfo=UTC))
D = date(2026, 2, 2)


def _shop(store: MemoryStore, items: int, *, lots: int = 0, reserved: int = 0,
          rules: bool = False) -> bc.Backoffice:
    """A book with ``items`` items of 10 each at WH, a lot item LOT with ``lots`` lots of
    5, and an item BIG with ``reserved`` open reservations of 1 out of WH."""
    bo = bc.Backoffice(store, book="b", clock=CLOCK, ids=bc.SequentialIds("id"))
    bo.ledger.setup("Shop", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    for i in range(items):
        inv.create_item(f"I{i:04d}", "Item")
        inv.receive(f"I{i:04d}", 10, location="WH", unit_cost="1.00", on=D)
        if rules:
            inv.set_reorder_rule(f"I{i:04d}", "WH", reorder_point=20, max_quantity=50)
    if lots:
        inv.create_item("LOT", "By lot", tracking="lot")
        for i in range(lots):
            inv.receive("LOT", 5, location="WH", unit_cost="1.00", on=D, lot=f"L{i:04d}")
    if reserved:
        inv.create_item("BIG", "Reserved")
        inv.receive("BIG", reserved, location="WH", unit_cost="1.00", on=D)
        for _ in range(reserved):
            inv.reserve("BIG", 1, location="WH", on=date(2026, 3, 1))
    return bo


class _Counting(dict[Any, Any]):
    """A dict that counts the passes made over its items."""

    passes = 0

    def items(self) -> Any:
        type(self).passes += 1
        return super().items()


def _count_calls(monkeypatch: pytest.MonkeyPatch, cls: type, name: str) -> list[int]:
    """Count the calls of ``cls.name`` (and the rows they return, when a list)."""
    calls = [0, 0]
    original: Callable[..., Any] = getattr(cls, name)

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        got = original(self, *args, **kwargs)
        calls[0] += 1
        calls[1] += len(got) if isinstance(got, list) else 0
        return got

    monkeypatch.setattr(cls, name, counted)
    return calls


def test_stock_as_of_a_day_passes_over_the_routes_once() -> None:
    """``stock(None, day)`` (a full count's frozen figures, the stock report as of a day)
    groups the per-day routes by item in one pass: it used to pass over every route once
    per item (200 items: 200 passes; 3,200 items took 2.9 s to start a full count)."""
    store = MemoryStore()
    bo = _shop(store, 200)
    data = store._book("b").inventory
    data.routes = _Counting(data.routes)
    _Counting.passes = 0
    count = bo.inventory.start_count("WH", full=True, on=date(2026, 2, 8))
    assert len(count.lines) == 200
    assert _Counting.passes == 1
    report = bo.inventory.stock(as_of=date(2026, 2, 8))
    assert len(report.rows) == 200 and _Counting.passes == 2


def test_posting_a_count_reads_open_moves_only_where_stock_is_reserved(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A count's losses look for reserved moves to release only at a location where
    the item has reservations: a full count of 100 items and 100 lots with 100 open
    reservations of another item used to read the open moves once per loss (201 reads
    of 100 moves each, and the lot item's stock over its 100 lots once per lot)."""
    store = MemoryStore()
    bo = _shop(store, 100, lots=100, reserved=100)
    inv = bo.inventory
    count = inv.start_count("WH", full=True, on=date(2026, 2, 8))
    opened = _count_calls(monkeypatch, MemoryInventoryRepository, "open_moves")
    posted = inv.post_count(count.id)  # nothing counted: every line a loss
    assert len(posted.adjustments) == 201
    assert opened[0] == 1  # BIG's, the one line out of a location with reservations
    assert len(posted.released) == 100
    assert all(inv.move(m).state is MoveState.DRAFT for m in posted.released)


def test_the_memory_adapter_reads_one_items_open_moves_from_an_index(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory adapter's ``open_moves(sku)`` reads that item's open moves from an
    index: it used to look at every open move of the book (here 200 of another item)."""
    store = MemoryStore()
    _shop(store, 5, reserved=200)
    looked = [0]
    data = store._book("b").inventory

    class Watched(type(data.open)):  # type: ignore[misc]
        def values(self) -> Any:
            got = list(super().values())
            looked[0] += len(got)
            return got

    watched = Watched()
    for move_id, move in data.open.items():
        watched[move_id] = move
    monkeypatch.setattr(data, "open", watched)
    with store("b") as uow:
        assert uow.inventory.open_moves("I0000") == []
        assert len(uow.inventory.open_moves("BIG")) == 200
        assert looked[0] == 0
        moves = uow.inventory.open_moves()
        assert len(moves) == 200 and [m.seq for m in moves] == sorted(m.seq for m in moves)


def test_reorder_suggestions_read_the_open_moves_and_orders_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reorder suggestions for 50 rules read the open moves once, and pass once over what
    open purchase orders bring: they used to read the open moves once per rule (on SQLite
    a walk of every open move of the book each time) and pass over every ordered
    (item, location) once per rule."""
    import backoffice_core.inventory.reordering as planning

    store = MemoryStore()
    bo = _shop(store, 50, reserved=200, rules=True)
    supplier = bo.documents.create_party("Supplier", is_customer=False, is_supplier=True)
    from backoffice_core.documents import Tax, line
    bo.documents.create("purchase_order", supplier.id, date(2026, 2, 3), [
        line(f"I{i:04d}", 5, "1.00", Tax.zero(), item_id=f"I{i:04d}") for i in range(50)])
    reads = _count_calls(monkeypatch, MemoryInventoryRepository, "open_moves")
    original = planning.on_order

    def on_order(*args: Any) -> Any:
        got = _Counting(original(*args))
        return got

    monkeypatch.setattr(planning, "on_order", on_order)
    _Counting.passes = 0
    suggestions = bo.inventory.reorder_suggestions(on=date(2026, 2, 9))
    assert len(suggestions) == 50
    assert all(s.incoming == 5 for s in suggestions)  # the order counts, item by item
    assert reads[0] == 1 and _Counting.passes == 1


def test_reorder_suggestions_under_a_warehouse_of_many_bins(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules at a warehouse of 30 bins: the suggestions read the stock once and ask the
    reservations only where reserved moves hold them; they used to ask the quantity and
    the reservation of every item in every bin, per rule (SQLite, 200 rules x 200 bins:
    81,009 statements), and to walk the warehouse's subtree once per rule."""
    store = MemoryStore()
    bo = bc.Backoffice(store, book="b", clock=CLOCK, ids=bc.SequentialIds("id"))
    bo.ledger.setup("Shop", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    for i in range(30):
        inv.create_location(f"WH/{i}", f"Bin {i}", parent="WH")
    inv.create_location("SHOP", "Shop", kind="warehouse")
    for i in range(30):
        sku = f"I{i:04d}"
        inv.create_item(sku, "Item")
        inv.receive(sku, 10 + i, location=f"WH/{i}", unit_cost="1.00", on=D)
        inv.receive(sku, 100, location="SHOP", unit_cost="1.00", on=D)  # outside the rule
        inv.set_reorder_rule(sku, "WH", reorder_point=40, max_quantity=50)
    inv.reserve("I0001", 4, location="WH/1", on=date(2026, 3, 1))  # to a customer
    inv.reserve("I0002", 5, location="WH/2", destination="WH/3",  # within: it stays
                on=date(2026, 3, 1))
    inv.reserve("I0003", 6, location="SHOP", on=date(2026, 3, 1))  # elsewhere
    quantities = _count_calls(monkeypatch, MemoryInventoryRepository, "quantity")
    reservations = _count_calls(monkeypatch, MemoryInventoryRepository, "reserved")
    got = {s.sku: (s.on_hand, s.reserved, s.quantity)
           for s in inv.reorder_suggestions(on=date(2026, 2, 9))}
    assert len(got) == 30
    assert got["I0000"] == (10, 0, 40) and got["I0001"][:2] == (11, 4)
    assert got["I0002"][:2] == (12, 0) and got["I0003"][:2] == (13, 0)
    assert quantities[0] == 0 and reservations[0] == 2  # WH/1 of I0001, WH/2 of I0002


def test_issuing_a_delivery_note_of_many_item_lines_finds_each_line_once(
        lines_run_in: Callable[[str], AbstractContextManager[list[int]]]) -> None:
    """Taking over a document's stock hand-overs found each hand-over's line by a search
    through the document's lines (a 4,000-line delivery note: 1.9 s to issue, 0.33 s at
    1,000). Counted as the lines of ``inventory/handovers.py`` the interpreter runs
    (``sys.settrace``): linear in the lines now (18,325 at 300 lines), quadratic before
    (63,172)."""

    from backoffice_core.documents import Tax, line
    from backoffice_core.inventory import MoveSpec

    n = 300
    bo = bc.Backoffice(MemoryStore(), book="b", clock=CLOCK, ids=bc.SequentialIds("id"))
    bo.ledger.setup("Shop", currency="USD", chart="generic")
    inv = bo.inventory
    inv.create_location("WH", "Warehouse", kind="warehouse")
    for i in range(n):
        inv.create_item(f"I{i:04d}", "Item")
    inv.apply_moves([MoveSpec(f"I{i:04d}", 10, "supplier", "WH", D, unit_cost="1.00")
                     for i in range(n)])
    d = bo.documents
    c = d.create_party("Acme")
    so = d.issue(d.create("sales_order", c.id, D, [
        line(f"I{i:04d}", 2, "10.00", Tax.zero(), item_id=f"I{i:04d}") for i in range(n)]).id)
    note = d.convert(so.id, "delivery_note", date=D)
    with lines_run_in("handovers.py") as ran:
        d.issue(note.id)
    assert inv.on_hand("I0000") == 8 and inv.on_hand(f"I{n - 1:04d}") == 8
    assert ran[0] < 100 * n, ran[0]  # about 61 a line
