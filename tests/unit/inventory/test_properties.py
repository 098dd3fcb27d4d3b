"""Property tests over random move sequences.

* quantities are conserved: over all locations (virtual ones included) an item sums to 0;
* the valuation equals the inventory account's balance as of every date, and the
  valued quantity equals the quantity on hand;
* FIFO, LIFO and the moving average match an independent, plain model of each method;
* a backdated receipt leaves the books exactly as if it had been booked in date order.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backoffice_core as bc
from backoffice_core.errors import InsufficientStockError
from backoffice_core.inventory import MoveKind

START = date(2026, 2, 1)
MakeBook = Callable[..., bc.Backoffice]
PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

cost = st.integers(0, 5000).map(lambda c: Decimal(c).scaleb(-2))   # 0.00 .. 50.00
op = st.one_of(
    st.tuples(st.just("receive"), st.integers(1, 20), cost, st.integers(0, 40)),
    st.tuples(st.just("deliver"), st.integers(1, 20), st.just(Decimal(0)), st.integers(0, 40)),
    st.tuples(st.just("adjust"), st.integers(-5, 5).filter(bool), st.just(Decimal(0)),
              st.integers(0, 40)),
    st.tuples(st.just("scrap"), st.integers(1, 3), st.just(Decimal(0)), st.integers(0, 40)),
    st.tuples(st.just("return"), st.integers(1, 5), st.just(Decimal(0)), st.integers(0, 40)),
)


def _run(bo: bc.Backoffice, sku: str, ops: list[tuple[str, int, Decimal, int]]) -> None:
    """Apply ``ops``; days wander forward and back (backdated moves), refusals are skipped."""
    inv = bo.inventory
    done = []
    for kind, qty, unit_cost, offset in ops:
        day = START + timedelta(days=offset)
        try:
            if kind == "receive":
                done.append(inv.receive(sku, qty, location="WH/A1", unit_cost=unit_cost,
                                        on=day))
            elif kind == "deliver":
                done.append(inv.deliver(sku, qty, location="WH/A1", on=day))
            elif kind == "adjust":
                inv.adjust(sku, qty, location="WH/A1", on=day)
            elif kind == "scrap":
                inv.scrap(sku, qty, location="WH/A1", on=day)
            elif done:
                origin = done[qty % len(done)]
                inv.return_move(origin.id, 1, on=max(day, origin.date))
        except (InsufficientStockError, bc.ValidationError):
            pass


def _days(bo: bc.Backoffice) -> list[date]:
    return sorted({m.date for m in bo.inventory.moves()} | {e.date for e in bo.ledger.entries()})


@PROPERTY
@given(method=st.sampled_from(["fifo", "lifo", "average", "periodic_average", "standard"]),
       ops=st.lists(op, min_size=1, max_size=25), negative=st.booleans())
def test_quantity_is_conserved_and_the_valuation_equals_the_ledger(
        make_book: MakeBook, method: str, ops: list[tuple[str, int, Decimal, int]],
        negative: bool) -> None:
    # (negative: deliveries may overdraw, later stock settles them, and returns of them come
    # back at their settled cost, backdated moves re-settling them)
    bo = make_book(items=False)
    inv = bo.inventory
    inv.create_item("X", "Item", valuation=method, standard_cost="7.25",
                    allow_negative=negative)
    _run(bo, "X", ops)
    roots = [loc.code for loc in inv.locations() if loc.parent is None]
    assert sum(inv.on_hand("X", code) for code in roots) == 0
    for day in [None, *_days(bo)]:
        rec = inv.reconcile(as_of=day)
        assert rec.agrees, (day, rec.valuation, rec.ledger)
        report = inv.valuation(as_of=day)
        valued = report.rows[0].quantity if report.rows else Decimal(0)
        assert valued == inv.on_hand("X", as_of=day)
    assert bo.ledger.verify().ok
    assert bo.ledger.reports.trial_balance().is_balanced


def _model(moves: list[bc.inventory.Move], method: str) -> tuple[int, int]:
    """An independent FIFO / LIFO / moving-average model: (stock value, cost of sales) in
    cents, from the done moves in (date, seq) order, with plain Decimal arithmetic."""
    def rounded(x: Decimal) -> int:
        return int(x.quantize(Decimal(1), rounding=decimal.ROUND_HALF_UP))

    layers: list[list[Decimal]] = []  # [quantity, value in cents]
    sold = 0
    for m in sorted(moves, key=lambda m: (m.date, m.seq)):
        q = Decimal(m.quantity)
        if m.kind is MoveKind.RECEIPT:
            assert m.unit_cost is not None
            value = Decimal(rounded(m.unit_cost * q * 100))
            if method == "average" and layers:
                layers[0][0] += q
                layers[0][1] += value
            else:
                layers.append([q, value])
            continue
        left = q
        while left:
            layer = layers[-1] if method == "lifo" else layers[0]
            take = min(left, layer[0])
            value = layer[1] if take == layer[0] else Decimal(rounded(layer[1] * take / layer[0]))
            layer[0] -= take
            layer[1] -= value
            sold += int(value)
            left -= take
            if layer[0] == 0:
                layers.remove(layer)
    return int(sum(v for _, v in layers)), sold


@PROPERTY
@given(method=st.sampled_from(["fifo", "lifo", "average"]),
       ops=st.lists(st.one_of(
           st.tuples(st.just("receive"), st.integers(1, 20), cost, st.integers(0, 40)),
           st.tuples(st.just("deliver"), st.integers(1, 20), st.just(Decimal(0)),
                     st.integers(0, 40))), min_size=1, max_size=30))
def test_fifo_lifo_and_average_match_an_independent_model(
        make_book: MakeBook, method: str, ops: list[tuple[str, int, Decimal, int]]) -> None:
    bo = make_book(items=False)
    bo.inventory.create_item("X", "Item", valuation=method)
    _run(bo, "X", ops)
    value, sold = _model(bo.inventory.moves("X"), method)
    assert bo.inventory.value("X").to_minor() == value
    assert bo.ledger.balance("5100").to_minor() == sold


@PROPERTY
@given(method=st.sampled_from(["fifo", "lifo", "average", "periodic_average", "standard"]),
       moves=st.lists(st.tuples(st.booleans(), st.integers(1, 10), cost), min_size=2,
                      max_size=15),
       late=st.data())
def test_a_backdated_receipt_gives_exactly_the_in_order_books(
        make_book: MakeBook, method: str, moves: list[tuple[bool, int, Decimal]],
        late: st.DataObject) -> None:
    """Book B gets one receipt last, backdated; book A gets it in its place. Every move has
    its own day, so the order is the same: the books must be equal on every date."""
    position = late.draw(st.integers(0, len(moves) - 1))
    backdated = (True, late.draw(st.integers(1, 10)), late.draw(cost))
    days = [START + timedelta(days=2 * i) for i in range(len(moves) + 1)]
    plan = [(days[i + 1], m) for i, m in enumerate(moves)]
    extra = (days[position] + timedelta(days=1), backdated)
    books = []
    for order in (sorted([*plan, extra]), [*plan, extra]):
        bo = make_book(items=False)
        bo.inventory.create_item("X", "Item", valuation=method, standard_cost="5.00",
                                 allow_negative=True)
        for day, (receipt, qty, unit_cost) in order:
            if receipt:
                bo.inventory.receive("X", qty, location="WH", unit_cost=unit_cost, on=day)
            else:
                bo.inventory.deliver("X", qty, location="WH", on=day)
        books.append(bo)
    a, b = books
    for day in [None, *days, extra[0]]:
        assert a.inventory.valuation(as_of=day) == b.inventory.valuation(as_of=day), day
        for account in ("1210", "5100", "5200", "2120"):
            assert a.ledger.balance(account, as_of=day) == b.ledger.balance(account, as_of=day)
    assert [h.value for h in a.inventory.history("X")] == [
        h.value for h in sorted(b.inventory.history("X"), key=lambda h: h.date)]
    assert b.inventory.reconcile().agrees


spec_strategy = st.tuples(
    st.sampled_from(["receive", "deliver", "transfer", "scrap"]),
    st.sampled_from(["WID", "TEA"]), st.sampled_from([1, 2, 3, 5]),
    st.sampled_from([Decimal("1.00"), Decimal("2.50")]), st.integers(0, 4),  # few days: the
    # bulk fast path takes a move once its date, quantity and cost were seen in the batch;
    # a move that is not a receipt may carry a cost too, one that five pieces take beyond
    # what a book holds (each refusal is checked on the bulk path as well)
    st.sampled_from([None, Decimal("1.00"), Decimal("3e14"), Decimal("3e14")]))
_ROUTES = {"receive": ("supplier", "WH/A1"), "deliver": ("WH/A1", "customer"),
           "transfer": ("WH/A1", "W2"), "scrap": ("WH/A1", "inventory_loss")}


@settings(PROPERTY, max_examples=100)  # (about 1.5 s: each example is small)
@given(moves=st.lists(spec_strategy, min_size=1, max_size=40))
def test_one_batch_books_what_one_call_per_move_books(
        make_book: MakeBook, moves: list[tuple[str, str, int, Decimal, int, Decimal | None]],
) -> None:
    """The bulk path (with its fast path for repeated quantities and costs) against the
    one-move calls. A move that one call refuses is left out of both, and the bulk path
    refuses it too, after the moves kept before it, with the same error and field."""
    from backoffice_core.inventory import MoveKind, MoveSpec

    single = make_book()
    kept: list[MoveSpec] = []
    refused: list[tuple[int, MoveSpec, type[Exception], str]] = []
    for kind, sku, qty, unit_cost, offset, other_cost in sorted(moves, key=lambda m: m[4]):
        src, dst = _ROUTES[kind]
        spec = MoveSpec(sku, Decimal(qty), src, dst, START + timedelta(days=offset),
                        unit_cost if kind == "receive" else other_cost,
                        kind=MoveKind.SCRAP if kind == "scrap" else None)
        try:
            single.inventory.apply_moves([spec])
        except (InsufficientStockError, bc.ValidationError) as err:
            refused.append((len(kept), spec, type(err), str(err.field)))
            continue
        kept.append(spec)
    for at, spec, error, field in refused[:3]:
        with pytest.raises(error) as info:
            make_book().inventory.apply_moves([*kept[:at], spec])
        assert info.value.field == field.replace("moves[0]", f"moves[{at}]", 1)  # type: ignore[attr-defined]
    bulk = make_book()
    bulk.inventory.apply_moves(kept)
    for day in [None, *_days(single)]:
        assert bulk.inventory.valuation(as_of=day) == single.inventory.valuation(as_of=day)
        assert bulk.inventory.stock(as_of=day) == single.inventory.stock(as_of=day)
        for account in ("1210", "5100", "5300", "2120"):
            assert bulk.ledger.balance(account, as_of=day) == single.ledger.balance(
                account, as_of=day)
    assert [(m.sku, m.quantity, m.source, m.destination, m.date, m.kind, m.unit_cost)
            for m in bulk.inventory.moves()] == [
        (m.sku, m.quantity, m.source, m.destination, m.date, m.kind, m.unit_cost)
        for m in single.inventory.moves()]


def test_a_backdated_delivery_may_not_dip_below_zero_within_a_day(make_book: MakeBook) -> None:
    bo = make_book(items=False)
    bo.inventory.create_item("X", "Item", valuation="fifo")
    with pytest.raises(InsufficientStockError):
        _run_strict(bo, [("receive", 12, Decimal("0.00"), 0), ("deliver", 5, Decimal(0), 1),
                         ("receive", 1, Decimal("0.00"), 1), ("deliver", 8, Decimal(0), 0)])


def _run_strict(bo: bc.Backoffice, ops: list[tuple[str, int, Decimal, int]]) -> None:
    inv = bo.inventory
    for kind, qty, unit_cost, offset in ops:
        day = START + timedelta(days=offset)
        if kind == "receive":
            inv.receive("X", qty, location="WH/A1", unit_cost=unit_cost, on=day)
        else:
            inv.deliver("X", qty, location="WH/A1", on=day)
