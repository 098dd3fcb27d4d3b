"""Returns of a delivery that went into negative stock come back at its settled cost.

A delivery beyond the stock on hand is costed provisionally (the owed units at the last
known unit cost) and settled when stock arrives: the difference is booked then to its cost
of sales. Its return comes back at what it finally cost, so that a delivery returned whole
leaves no cost of sales behind and the stock carries what the goods really cost, the
valuation still equal to the inventory account.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.inventory import CostKind

Feb = Callable[[int], date]
D = Decimal
INVENTORY, COGS = "1210", "5100"


def balance(bo: bc.Backoffice, account: str, as_of: date | None = None) -> Decimal:
    return Decimal(bo.ledger.balance(account, as_of=as_of).amount)


def assert_reconciled(bo: bc.Backoffice) -> None:
    days = sorted({m.date for m in bo.inventory.moves()} | {e.date for e in bo.ledger.entries()})
    for day in [None, *days]:
        r = bo.inventory.reconcile(as_of=day)
        assert r.agrees, (day, r.valuation, r.ledger)
        assert r.valuation == balance(bo, INVENTORY, day)


def returned(bo: bc.Backoffice, sku: str) -> list[Decimal]:
    return [h.value for h in bo.inventory.history(sku) if h.kind is CostKind.RETURN_IN]


@pytest.mark.parametrize("method", ["fifo", "lifo", "average"])
def test_a_delivery_returned_whole_comes_back_at_its_settled_cost(
        book: bc.Backoffice, feb: Feb, method: str) -> None:
    inv = book.inventory
    inv.create_item("NEG", "Overdrawn", valuation=method, allow_negative=True)
    inv.receive("NEG", 2, location="WH", unit_cost="1.00", on=feb(2))
    sold = inv.deliver("NEG", 10, location="WH", on=feb(3))  # 2 x 1.00 + 8 owed at 1.00
    inv.receive("NEG", 8, location="WH", unit_cost="3.00", on=feb(4))  # settles: +16.00
    assert balance(book, COGS) == D("26.00")  # what the delivery finally cost
    inv.return_move(sold.id, on=feb(5))
    # was 10.00 (the provisional cost), leaving 16.00 of cost of sales for goods returned
    assert returned(book, "NEG") == [D("26.00")]
    assert balance(book, COGS) == D("0.00") and inv.value("NEG") == bc.Money("26.00", "USD")
    assert inv.valuation().total == balance(book, INVENTORY) == D("26.00")
    assert_reconciled(book)


def test_returns_in_parts_share_the_settled_cost(book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("NEG", "Overdrawn", allow_negative=True)
    inv.receive("NEG", 1, location="WH", unit_cost="1.00", on=feb(2))
    sold = inv.deliver("NEG", 3, location="WH", on=feb(3))  # 1.00 + 2 owed at 1.00
    inv.receive("NEG", 2, location="WH", unit_cost="2.00", on=feb(4))  # finally 5.00
    for _ in range(3):
        inv.return_move(sold.id, 1, on=feb(5))
    assert returned(book, "NEG") == [D("1.67"), D("1.66"), D("1.67")]  # 5.00 in thirds
    assert balance(book, COGS) == D("0.00")
    assert_reconciled(book)


def test_a_backdated_receipt_that_changes_the_settlement_re_values_the_return(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("NEG", "Overdrawn", allow_negative=True)
    inv.receive("NEG", 2, location="WH", unit_cost="1.00", on=feb(2))
    sold = inv.deliver("NEG", 4, location="WH", on=feb(3))  # 2 owed at 1.00
    inv.receive("NEG", 2, location="WH", unit_cost="5.00", on=feb(6))  # settles: 12.00
    inv.return_move(sold.id, on=feb(7))
    assert returned(book, "NEG") == [D("12.00")]
    inv.receive("NEG", 2, location="WH", unit_cost="2.00", on=feb(4))  # backdated: settles
    assert returned(book, "NEG") == [D("6.00")]   # the delivery finally cost 2 + 4
    assert balance(book, COGS) == D("0.00") and inv.value("NEG") == bc.Money("16.00", "USD")
    assert_reconciled(book)


def test_a_return_while_the_debt_is_open_comes_back_at_the_cost_so_far(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("NEG", "Overdrawn", allow_negative=True)
    inv.receive("NEG", 2, location="WH", unit_cost="1.00", on=feb(2))
    sold = inv.deliver("NEG", 5, location="WH", on=feb(3))  # 3 owed at 1.00: 5.00
    inv.return_move(sold.id, 3, on=feb(4))  # nothing settled yet: 3.00, settling the debt
    assert returned(book, "NEG") == [D("3.00")] and inv.on_hand("NEG") == 0
    assert balance(book, COGS) == D("2.00") and inv.value("NEG") == bc.Money("0.00", "USD")
    assert_reconciled(book)


def test_periodic_and_standard_deliveries_settled_in_a_later_month(
        book: bc.Backoffice, feb: Feb) -> None:
    inv = book.inventory
    inv.create_item("PER", "Periodic", valuation="periodic_average", allow_negative=True)
    inv.create_item("STD", "Standard", valuation="standard", standard_cost="1.00",
                    allow_negative=True)
    march = date(2026, 3, 2)
    sold = {}
    for sku in ("PER", "STD"):
        inv.receive(sku, 2, location="WH", unit_cost="1.00", on=feb(2))
        sold[sku] = inv.deliver(sku, 10, location="WH", on=feb(3))
        inv.receive(sku, 8, location="WH", unit_cost="3.00", on=march)
    # periodic: February's 8 owed units settle in March at 3.00 (16.00 more cost of sales);
    # standard: owed and settled at standard, the purchase price variance apart
    assert balance(book, COGS) == D("26.00") + D("10.00")
    for sku in ("PER", "STD"):
        inv.return_move(sold[sku].id, on=date(2026, 3, 5))
    assert returned(book, "PER") == [D("26.00")] and returned(book, "STD") == [D("10.00")]
    assert balance(book, COGS) == D("0.00")
    assert_reconciled(book)
