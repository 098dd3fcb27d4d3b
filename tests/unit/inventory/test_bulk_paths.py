"""The bulk path's shortcuts equal the general paths they stand for.

* quantities grouped per route and day (``store_route_days``: the memory adapter's
  ``apply_route_days``, SQL's ``apply_quantities`` of the same deltas) store what
  ``apply_quantities`` stores for the same deltas, and roll back alike;
* a cost book's keys, computed when first read after an ``append_run``, equal the keys
  of the same records added one by one;
* ``apply_moves`` books moves given in date order or not in the same date order.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.adapters.memory_cost_book import CostBook, record_key
from backoffice_core.adapters.memory_inventory_data import InventoryData, add_route_days
from backoffice_core.errors import ValidationError
from backoffice_core.inventory import MoveSpec
from backoffice_core.inventory.items import ValuationMethod
from backoffice_core.inventory.moves import QuantityDelta
from backoffice_core.inventory.repository import store_route_days
from backoffice_core.inventory.units import MAX_STOCK
from backoffice_core.inventory.valuation import CostKind, CostRecord, CostState

DAY0 = date(2026, 2, 1)
ROUTES = [("A", "supplier", "WH", ""), ("A", "WH", "customer", ""), ("B", "supplier", "WH", "L1"),
          ("A", "WH", "WH/A1", "")]

_route_days = st.lists(st.tuples(
    st.sampled_from(ROUTES),
    st.dictionaries(st.integers(0, 9).map(lambda n: DAY0 + timedelta(days=n)),
                    st.integers(1, 10**6).map(lambda n: Decimal(n).scaleb(-3)), max_size=6)),
    max_size=6)


def _open(kind: str, tmp: Path) -> bc.Backoffice:
    if kind == "memory":
        return bc.Backoffice.open("memory://")
    return bc.Backoffice.open(f"sqlite:///{tmp}", ids=bc.SequentialIds("s"))


def _view(bo: bc.Backoffice) -> list[Any]:
    with bo.unit_of_work() as uow:
        r = uow.inventory  # type: ignore[attr-defined]
        seen: list[Any] = [r.stock(), r.stock(day=DAY0 + timedelta(days=4))]
        for sku, loc, lot in {(s, x, lot) for s, a, b, lot in ROUTES for x in (a, b)}:
            seen.append((r.quantity(sku, loc, lot), r.quantity(sku, loc),
                         [r.quantity(sku, loc, lot, day=DAY0 + timedelta(days=n))
                          for n in range(-1, 11)],
                         [r.lowest_quantity(sku, loc, lot, DAY0 + timedelta(days=n))
                          for n in range(-1, 11)]))
        return seen


@pytest.fixture(params=["memory", "sqlite"])
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[bc.Backoffice, bc.Backoffice]]:
    tmp = tmp_path_factory.mktemp("routes")
    yield _open(request.param, tmp / "a.db"), _open(request.param, tmp / "b.db")


@settings(max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(batches=st.lists(_route_days, min_size=1, max_size=3), fail_last=st.booleans())
def test_route_days_store_what_the_deltas_store(pair: tuple[bc.Backoffice, bc.Backoffice],
                                                batches: list[Any], fail_last: bool) -> None:
    grouped, flat = pair  # (earlier examples wrote the same to both)
    assert _view(grouped) == _view(flat)
    for n, batch in enumerate(batches):
        rolled = fail_last and n == len(batches) - 1
        with grouped.unit_of_work() as uow:
            store_route_days(uow.inventory, batch)  # type: ignore[attr-defined]
            if not rolled:
                uow.commit()
        with flat.unit_of_work() as uow:
            uow.inventory.apply_quantities(  # type: ignore[attr-defined]
                [QuantityDelta(*route, day, q) for route, per_day in batch
                 for day, q in per_day.items()])
            if not rolled:
                uow.commit()
        assert _view(grouped) == _view(flat)


def test_route_days_roll_back_in_memory() -> None:
    from backoffice_core.adapters.memory_inventory_data import add_route_days
    d = InventoryData()
    undo: list[Any] = []
    first = {DAY0: Decimal(3), DAY0 + timedelta(days=2): Decimal(4)}
    add_route_days(d, [(ROUTES[0], first)], undo.append)
    snapshot = ({k: dict(v.per_day) for k, v in d.routes.items()}, dict(d.totals), dict(d.last))
    add_route_days(d, [(ROUTES[0], {DAY0: Decimal(1), DAY0 + timedelta(days=5): Decimal(2)}),
                       (ROUTES[1], {DAY0: Decimal(1)}), (ROUTES[2], {})], undo.append)
    assert d.totals[("A", "WH", "")] == 9
    undo.pop()()
    assert ({k: dict(v.per_day) for k, v in d.routes.items()}, dict(d.totals),
            dict(d.last)) == snapshot
    assert d.routes[ROUTES[0]].upto(DAY0 + timedelta(days=1)) == 3


# --------------------------------------------------------------- cost book keys
def _rec(day: int, seq: int, snap: bool = False) -> CostRecord:
    return CostRecord("A", DAY0 + timedelta(days=day), seq, f"e{seq}", CostKind.IN, 1, 5,
                      "grni", value=5, lines=(("grni", -5),),
                      snapshot=CostState(ValuationMethod.FIFO) if snap else None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=1, max_size=40,
                unique_by=lambda t: t[0]), st.integers(0, 40))
def test_cost_book_keys_when_read_equal_keys_kept(rows: list[tuple[int, bool]],
                                                  split: int) -> None:
    """Records appended as runs, then one added in between, keep the keys of one-by-one adds."""
    from backoffice_core.adapters.memory import MemoryStore
    records = [_rec(day, 10 * day + 5, snap) for day, snap in sorted(rows)]
    one = CostBook()
    for r in records:
        one.add(r)
    extra = _rec(records[0][1].toordinal() - DAY0.toordinal(), 10 * (
        records[0][1].toordinal() - DAY0.toordinal()) + 1)
    one.add(extra)
    # the runs go through the repository: its moves make them the moves' own records
    store = MemoryStore()
    with store("b") as uow:
        repo = uow.inventory
        from backoffice_core.inventory.moves import Move, MoveKind, MoveState
        repo.add_moves([Move(r[3], r[2], "A", Decimal(1), "supplier", "WH", r[1],
                             MoveKind.RECEIPT, MoveState.DONE) for r in records])
        repo.add_cost_records(records[:split])
        repo.add_cost_records(records[split:])
        book = store._book("b").inventory.costs["A"]
        assert book._keys == []  # not computed yet
        repo.add_cost_records([extra])  # not a move's own record: added by key
        assert book.keys == one.keys == sorted(record_key(r[1], r[2]) for r in [*records, extra])
        assert book.records == one.records and book.snaps == one.snaps
        assert (book.quantity, book.value) == (one.quantity, one.value)
        for n in range(-1, 22):
            day = DAY0 + timedelta(days=n)
            assert book.upto(day) == one.upto(day)
        uow.rollback()
    assert "A" not in store._book("b").inventory.costs or not store._book(
        "b").inventory.costs["A"].records


# --------------------------------------------------------------- apply_moves order
def test_moves_out_of_date_order_are_booked_in_date_order() -> None:
    def book(specs: list[MoveSpec]) -> tuple[Any, ...]:
        bo = bc.Backoffice.open("memory://", ids=bc.SequentialIds("m"))
        bo.ledger.setup("X", currency="USD", chart="generic")
        bo.inventory.create_location("WH", "Warehouse", kind="warehouse")
        bo.inventory.create_item("WID", "Widget")
        done = bo.inventory.apply_moves(specs)
        return ([(m.date, m.quantity, m.seq) for m in done], bo.inventory.on_hand("WID"),
                bo.inventory.valuation().total, bo.ledger.balance("5100"))

    d1, d2 = DAY0, DAY0 + timedelta(days=1)
    receipt = MoveSpec("WID", 10, "supplier", "WH", d1, unit_cost="1.50")
    later = MoveSpec("WID", 5, "supplier", "WH", d2, unit_cost="3")
    issue = MoveSpec("WID", 8, "WH", "customer", d2)
    assert book([issue, receipt, later])[1:] == book([receipt, issue, later])[1:]
    assert book([issue, receipt])[0] == [(d2, 8, 1), (d1, 10, 2)]


@pytest.mark.parametrize("days", [
    [Decimal(5), MAX_STOCK + 1],             # no day negative: bounded by their sum
    [-(MAX_STOCK + 1), Decimal(3)],          # the lowest day
    [Decimal(-3), MAX_STOCK + 1],            # a negative day: the highest is read too
])
def test_a_run_of_new_days_past_the_stock_bound_is_refused_and_undone(
        days: list[Decimal]) -> None:
    d = InventoryData()
    undo: list[Any] = []
    moved = {date(2026, 2, 1) + timedelta(days=i): q for i, q in enumerate(days)}
    with pytest.raises(ValidationError) as err:
        add_route_days(d, [(("W", "supplier", "WH", ""), moved)], undo.append)
    assert err.value.field == "quantity"
    assert d.totals == {} and d.routes == {}


def test_a_run_of_new_days_within_the_stock_bound_is_taken() -> None:
    d = InventoryData()
    moved = {date(2026, 2, 1): MAX_STOCK, date(2026, 2, 2): Decimal(-5)}
    add_route_days(d, [(("W", "supplier", "WH", ""), moved)], [].append)
    assert d.totals[("W", "WH", "")] == MAX_STOCK - 5


def test_routes_sharing_an_item_or_a_location_keep_their_own_plans() -> None:
    """The bulk path looks a move's plan up by item, then source, then destination: moves
    of one item from one source to several destinations, and of several items along one
    route, each keep their own kind, cost role and stock (a plan taken for another route
    would book a delivery as a loss, or one item's stock under another)."""
    def book(one_by_one: bool) -> tuple[Any, ...]:
        bo = bc.Backoffice.open("memory://", ids=bc.SequentialIds("m"))
        bo.ledger.setup("X", currency="USD", chart="generic")
        inv = bo.inventory
        for code in ("WH", "W2"):
            inv.create_location(code, code, kind="warehouse")
        for sku in ("A", "B"):
            inv.create_item(sku, sku)
        d1, d2 = DAY0, DAY0 + timedelta(days=1)
        specs = [MoveSpec("A", 10, "supplier", "WH", d1, unit_cost="1.00"),
                 MoveSpec("B", 10, "supplier", "WH", d1, unit_cost="2.00"),
                 MoveSpec("A", 10, "supplier", "W2", d1, unit_cost="3.00"),
                 MoveSpec("A", 2, "WH", "customer", d2), MoveSpec("A", 3, "WH", "W2", d2),
                 MoveSpec("A", 1, "WH", "inventory_loss", d2),
                 MoveSpec("B", 4, "WH", "customer", d2), MoveSpec("A", 5, "W2", "customer", d2)]
        done = ([m for s in specs for m in inv.apply_moves([s])] if one_by_one
                else inv.apply_moves(specs))
        return ([(m.sku, m.source, m.destination, m.kind, m.quantity) for m in done],
                inv.stock(), inv.valuation(), [bo.ledger.balance(a) for a in
                                               ("1210", "5100", "2120", "5300")])

    bulk = book(False)
    assert bulk == book(True)
    assert [m[3].value for m in bulk[0][3:]] == ["delivery", "transfer", "adjustment",
                                                 "delivery", "delivery"]
