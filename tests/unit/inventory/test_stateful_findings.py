"""Regression tests for what a stateful test session reported about the inventory.

Each test runs on a memory book and an SQLite book (``store``), and names the report it
pins: a planned receipt's new lot, a periodic average's layers as of a day inside a
month, and the cost of partial returns of a delivery.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import backoffice_core as bc
from backoffice_core.errors import NotFoundError, ValidationError

FEB = [date(2026, 2, n) for n in range(1, 29)]


def _feb(n: int) -> date:
    return FEB[n - 1]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> bc.Backoffice:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'inv.db'}"
    bo = bc.Backoffice.open(url, clock=bc.FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC)),
                            ids=bc.SequentialIds("s"))
    bo.ledger.setup("Stock Co", currency="USD", chart="generic")
    bo.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = bo.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    inv.create_item("LOT", "Yoghurt", tracking="lot")
    inv.create_item("SER", "Laptop", tracking="serial")
    inv.create_item("PER", "Flour", valuation="periodic_average")
    inv.create_item("WID", "Widget")
    return bo


# --------------------------------------------------------------- planned lots
def test_a_cancelled_planned_receipt_leaves_no_lot(store: bc.Backoffice) -> None:
    """Reported: a draft receipt of a new lot created the lot at once; cancelled, the lot
    stayed (listed by ``lots``, offered to ``reserve``) though no stock ever entered it."""
    inv = store.inventory
    inv.receive("LOT", 3, location="WH", lot="OLD", unit_cost="1.00", on=_feb(1))
    planned = inv.plan("LOT", 5, source="supplier", destination="WH", lot="NEW",
                       unit_cost="1.00", on=_feb(2))
    assert planned.lot == "NEW" and [lot.code for lot in inv.lots("LOT")] == ["OLD"]
    held = inv.reserve("LOT", 1, location="WH", lot="OLD", on=_feb(2))  # (reserved: open)
    inv.cancel(planned.id)
    inv.cancel(held.id)
    assert [lot.code for lot in inv.lots("LOT")] == ["OLD"]
    with pytest.raises(NotFoundError) as info:  # a lot that never came in, as before a plan
        inv.reserve("LOT", 1, location="WH", lot="NEW", on=_feb(3))
    assert (info.value.field, info.value.value) == ("lot", "NEW")
    assert [p.lot for p in inv.fefo("LOT", 3, location="WH", on=_feb(3))] == ["OLD"]
    assert [r.lot for r in inv.stock().rows] == ["OLD"]


def test_a_planned_receipt_creates_its_lot_when_done(store: bc.Backoffice) -> None:
    """The lot of a planned receipt is created when the receipt is done, with the expiry
    given to ``validate`` (before, the plan made the lot without one, and ``validate`` then
    refused any expiry: "lot NEW expires on None")."""
    inv = store.inventory
    planned = inv.plan("LOT", 5, source="supplier", destination="WH", lot="NEW",
                       unit_cost="1.00", on=_feb(2))
    again = inv.plan("LOT", 2, source="supplier", destination="WH", lot="NEW",
                     unit_cost="1.00", on=_feb(4))
    assert inv.lots("LOT") == []
    inv.validate(planned.id, expiry=date(2026, 4, 1))
    assert [(lot.code, lot.expiry) for lot in inv.lots("LOT")] == [("NEW", date(2026, 4, 1))]
    inv.validate(again.id)  # the lot exists now: no expiry given, none checked
    assert inv.on_hand("LOT", lot="NEW") == Decimal(7) and inv.reconcile().agrees
    other = inv.plan("LOT", 1, source="supplier", destination="WH", lot="LATER",
                     unit_cost="1.00", on=_feb(5))
    done = inv.validate(other.id, lot="CHOSEN")  # the lot named when done is the one made
    assert done.lot == "CHOSEN" and [lot.code for lot in inv.lots("LOT")] == ["CHOSEN", "NEW"]


def test_a_planned_receipt_still_checks_its_lot(store: bc.Backoffice) -> None:
    """Not creating the lot does not skip its checks: a bad code, a serial number moving more
    than one unit, and an item that is not tracked are refused when planned, as before."""
    inv = store.inventory
    for sku, qty, lot, field in (("LOT", 1, "A\tB", "lot"), ("SER", 2, "SN-1", "quantity"),
                                 ("WID", 1, "L1", "lot")):
        with pytest.raises(ValidationError) as info:
            inv.plan(sku, qty, source="supplier", destination="WH", lot=lot, unit_cost="1.00",
                     on=_feb(2))
        assert info.value.field == field, (sku, info.value)
    assert inv.moves() == [] and inv.lots("LOT") == inv.lots("SER") == []


# --------------------------------------------------------------- periodic average as of a day
def test_periodic_average_layers_as_of_a_day_agree_with_the_ledger(
        store: bc.Backoffice) -> None:
    """Reported: ``layers(as_of=...)`` of a periodic average inside a month showed the pool
    at the average of the receipts so far (5 at 1.00), while the valuation and the inventory
    account, to which a later receipt of the month re-valued the month's earlier issue on its
    own day, held 5 at 0.00. The layers now show what the books hold on every day."""
    inv, led = store.inventory, store.ledger
    inv.receive("PER", 10, location="WH", unit_cost="1.00", on=_feb(2))
    inv.deliver("PER", 5, location="WH", on=_feb(5))
    inv.receive("PER", 10, location="WH", unit_cost="3.00", on=_feb(20))
    inv.deliver("PER", 3, location="WH", on=_feb(22))
    for day in (_feb(2), _feb(5), _feb(10), _feb(20), _feb(22), _feb(28), None):
        layers = inv.layers("PER", as_of=day)
        row = inv.valuation(as_of=day).row("PER")
        assert sum((x.value for x in layers), Decimal(0)) == row.value == led.balance(
            "1210", as_of=day).amount, day
        assert sum((x.quantity for x in layers), Decimal(0)) == row.quantity, day
    [pool] = inv.layers("PER", as_of=_feb(10))
    assert (pool.quantity_in, pool.value_in, pool.quantity, pool.value) == (
        Decimal(10), Decimal("10.00"), Decimal(5), Decimal("0.00"))
    [pool] = inv.layers("PER")  # the month's average: 40.00 for 20, 8 issued at 2.00
    assert (pool.quantity, pool.value) == (Decimal(12), Decimal("24.00"))


def test_periodic_average_layers_as_of_a_day_whose_stock_ran_out(store: bc.Backoffice) -> None:
    """Every unit received so far is issued, at an average that a later receipt raises: the
    books hold no stock but a (negative) value until the month's later receipt; the layers
    show it as a pool of no quantity, so they still sum to the valuation."""
    inv, led = store.inventory, store.ledger
    inv.receive("PER", 2, location="WH", unit_cost="1.00", on=_feb(2))
    inv.deliver("PER", 2, location="WH", on=_feb(3))
    inv.receive("PER", 2, location="WH", unit_cost="3.00", on=_feb(20))
    [pool] = inv.layers("PER", as_of=_feb(10))
    assert (pool.quantity, pool.value) == (Decimal(0), Decimal("-2.00"))
    assert led.balance("1210", as_of=_feb(10)).amount == Decimal("-2.00")
    assert inv.valuation(as_of=_feb(10)).row("PER").value == Decimal("-2.00")
    assert [(x.quantity, x.value) for x in inv.layers("PER")] == [(Decimal(2), Decimal("4.00"))]


# --------------------------------------------------------------- partial returns
def test_partial_returns_of_a_delivery_cost_its_own_unit_cost(store: bc.Backoffice) -> None:
    """Reported: a partial return of a delivery that took several layers "takes its cost share
    by sequence order". It does not take the layers in any order: each return comes back at
    the delivery's own average unit cost, as a share of the delivery's cost
    (``share(cost, quantity, returned so far) - share(cost, quantity, returned before)``), so
    no cent is lost and the returns of the whole quantity sum to the delivery's cost."""
    inv = store.inventory
    inv.receive("WID", 1, location="WH", unit_cost="1.00", on=_feb(2))
    inv.receive("WID", 2, location="WH", unit_cost="2.00", on=_feb(2))
    inv.receive("WID", 4, location="WH", unit_cost="4.00", on=_feb(2))
    delivery = inv.deliver("WID", 4, location="WH", on=_feb(3))  # 1 x 1.00 + 2 x 2.00 + 4.00
    cost = {h.event: h.value for h in inv.history("WID")}
    assert cost[delivery.id] == Decimal("-9.00")
    returns = [inv.return_move(delivery.id, q, on=_feb(d)) for q, d in ((1, 4), (2, 6), (1, 5))]
    got = [{h.event: h.value for h in inv.history("WID")}[m.id] for m in returns]
    assert got == [Decimal("2.25"), Decimal("4.50"), Decimal("2.25")]  # 9.00 / 4 a unit
    assert sum(got) == Decimal("9.00") and inv.value("WID").amount == Decimal("21.00")


@pytest.mark.parametrize("parts", [(1, 1, 1), (2, 1), (1, 2)])
def test_partial_returns_lose_no_cent(store: bc.Backoffice, parts: tuple[int, ...]) -> None:
    """A delivery of 3 worth 5.00 (1.6666... each): whatever the parts, each return is within
    a cent of its quantity at that unit cost, and all of them come to 5.00 exactly."""
    inv = store.inventory
    inv.receive("WID", 1, location="WH", unit_cost="1.00", on=_feb(2))
    inv.receive("WID", 2, location="WH", unit_cost="2.00", on=_feb(2))
    delivery = inv.deliver("WID", 3, location="WH", on=_feb(3))
    returns = [inv.return_move(delivery.id, q, on=_feb(4)) for q in parts]
    values = {h.event: h.value for h in inv.history("WID")}
    got = [values[m.id] for m in returns]
    for q, value in zip(parts, got, strict=True):
        assert abs(value - Decimal(5) * q / 3) < Decimal("0.01"), (q, value)
    assert sum(got) == Decimal("5.00") and inv.value("WID").amount == Decimal("5.00")
    assert store.ledger.balance("5100").amount == 0 and inv.reconcile().agrees
