"""Counts and moves entered while counting but dated on or before the count's date.

A count freezes what was on hand on its date when it starts; a backdated receipt or a
late-entered delivery dated on or before that date changes what was on hand then. Posting
recomputes the expected quantity as of the count's date, so such a move is not counted
twice (it was: stock ended off by the move's quantity). Moves dated after the count's date
still leave it alone. On a memory and an SQLite book; the count's value is the ledger
movement of its adjustments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

import backoffice_core as bc
from backoffice_core.inventory import Count

D = Decimal
INVENTORY = "1210"


def feb(day: int) -> date:
    return date(2026, 2, day)


@pytest.fixture(params=["memory://", "sqlite://"])
def bo(request: pytest.FixtureRequest) -> bc.Backoffice:
    book = bc.Backoffice.open(request.param,
                              clock=bc.FixedClock(datetime(2026, 3, 31, 12, tzinfo=UTC)),
                              ids=bc.SequentialIds("c"))
    book.ledger.setup("Stock Co", currency="USD", chart="generic")
    book.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    inv = book.inventory
    inv.create_location("WH", "Main warehouse", kind="warehouse")
    inv.create_location("WH/Z", "Zone Z", kind="zone", parent="WH")
    inv.create_location("WH/A1", "Bin A1", parent="WH")
    inv.create_location("WH/Z/B1", "Bin B1", parent="WH/Z")
    inv.create_item("WID", "Widget")
    inv.create_item("LOT", "Yoghurt", tracking="lot")
    return book


def _post_and_check_value(bo: bc.Backoffice, count_id: str) -> Count:
    """Post the count; its value is the inventory movement of its adjustments' entries."""
    before = {e.id for e in bo.ledger.entries()}
    balance = bo.ledger.balance(INVENTORY).amount
    posted = bo.inventory.post_count(count_id)
    new = [e for e in bo.ledger.entries() if e.id not in before]
    assert {e.reference for e in new} <= {f"count {count_id}"}  # nothing re-valued here
    assert len(new) == (1 if posted.adjustments else 0)
    moved = sum((p.amount for e in new for p in e.postings if p.account == INVENTORY), 0)
    assert posted.value is not None
    assert D(moved).scaleb(-2) == posted.value
    assert bo.ledger.balance(INVENTORY).amount - balance == posted.value
    assert bo.inventory.count(count_id) == posted
    assert bo.inventory.reconcile().agrees
    return posted


def test_a_backdated_receipt_and_delivery_entered_while_counting(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    count = inv.start_count("WH", skus=["WID"], on=feb(10))
    assert [(x.location, x.expected, x.frozen) for x in count.lines] == [("WH/A1", 10, 10)]
    # entered after the freeze: a receipt dated before the count, a delivery dated on it,
    # and a delivery dated after it (which happens after the counting)
    inv.receive("WID", 4, location="WH/A1", unit_cost="3.00", on=feb(5))
    inv.deliver("WID", 3, location="WH/A1", on=feb(10))
    inv.deliver("WID", 2, location="WH/A1", on=feb(11))
    # on the 10th there were 10 + 4 - 3 = 11; the counter finds 10: one lost
    inv.record_count(count.id, "WID", 10, location="WH/A1")
    assert inv.count(count.id).lines[0].expected == 10  # frozen while open
    posted = _post_and_check_value(bo, count.id)
    [line] = posted.lines
    assert (line.expected, line.frozen, line.counted, line.difference) == (11, 10, 10, -1)
    [adjustment] = [inv.move(m) for m in posted.adjustments]
    assert (adjustment.quantity, adjustment.source, adjustment.date) == (1, "WH/A1", feb(10))
    # was 10 - 3 - 2 + 4 + 0 = 9 (the frozen 10 made the difference 0: the lost one kept,
    # the receipt and the delivery counted twice); now 10 counted on the 10th, 2 out since
    assert inv.on_hand("WID", "WH/A1") == 8
    assert inv.on_hand("WID", "WH/A1", as_of=feb(10)) == 10
    assert posted.value == D("-2.00")  # FIFO: the oldest layer, at 2.00


def test_a_backdated_delivery_alone_is_not_posted_again(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    inv.receive("WID", 10, location="WH/A1", unit_cost="2.00", on=feb(1))
    count = inv.start_count("WH", skus=["WID"], on=feb(10))
    inv.deliver("WID", 4, location="WH/A1", on=feb(9))  # late-entered, dated before
    inv.record_count(count.id, "WID", 6, location="WH/A1")  # exactly what was there
    posted = _post_and_check_value(bo, count.id)
    assert posted.adjustments == () and posted.value == 0
    assert [(x.expected, x.frozen, x.difference) for x in posted.lines] == [(6, 10, 0)]
    assert inv.on_hand("WID") == 6  # was 2: the delivery taken off twice


def test_a_lot_tracked_full_count_with_backdated_moves(bo: bc.Backoffice) -> None:
    inv = bo.inventory
    inv.receive("LOT", 10, location="WH/A1", unit_cost="2.00", on=feb(1), lot="L1")
    inv.receive("LOT", 5, location="WH/A1", unit_cost="3.00", on=feb(2), lot="L2")
    count = inv.start_count("WH", full=True, on=feb(10))
    assert [(x.lot, x.expected) for x in count.lines] == [("L1", 10), ("L2", 5)]
    inv.receive("LOT", 4, location="WH/A1", unit_cost="3.00", on=feb(8), lot="L2")
    inv.deliver("LOT", 3, location="WH/A1", lot="L1", on=feb(10))
    inv.deliver("LOT", 1, location="WH/A1", lot="L1", on=feb(12))  # after: left alone
    inv.record_count(count.id, "LOT", 7, location="WH/A1", lot="L1")  # as expected
    inv.record_count(count.id, "LOT", 8, location="WH/A1", lot="L2")  # one short of 9
    posted = _post_and_check_value(bo, count.id)
    assert [(x.lot, x.frozen, x.expected, x.counted) for x in posted.lines] == [
        ("L1", 10, 7, 7), ("L2", 5, 9, 8)]
    moves = [inv.move(m) for m in posted.adjustments]
    assert [(m.lot, m.quantity, m.destination, m.date) for m in moves] == [
        ("L2", 1, "inventory_loss", feb(10))]
    # was L1 7 - 1 + (7 - 10) = 3 and L2 9 + (8 - 5) = 12
    assert (inv.on_hand("LOT", lot="L1"), inv.on_hand("LOT", lot="L2")) == (6, 8)


def test_stock_backdated_into_a_full_count_without_a_line(bo: bc.Backoffice) -> None:
    """A full count covers everything in the location on its date: a lot received there
    (dated before the count, entered after it started) gets a line at posting, frozen at
    0, counted as zero unless counted; in a cycle count the line is shown, left alone."""
    inv = bo.inventory
    inv.receive("LOT", 5, location="WH/A1", unit_cost="2.00", on=feb(1), lot="L1")
    full = inv.start_count("WH", full=True, on=feb(10))
    cycle = inv.start_count("WH", skus=["LOT"], on=feb(10))
    inv.receive("LOT", 2, location="WH/Z/B1", unit_cost="1.00", on=feb(9), lot="L3")
    inv.record_count(full.id, "LOT", 5, location="WH/A1", lot="L1")
    inv.record_count(cycle.id, "LOT", 5, location="WH/A1", lot="L1")
    posted = _post_and_check_value(bo, cycle.id)
    assert [(x.location, x.lot, x.frozen, x.expected, x.counted) for x in posted.lines] == [
        ("WH/A1", "L1", 5, 5, 5), ("WH/Z/B1", "L3", 0, 2, None)]
    assert posted.adjustments == () and inv.on_hand("LOT", lot="L3") == 2
    posted = _post_and_check_value(bo, full.id)
    assert [(x.lot, x.frozen, x.expected, x.counted, x.difference) for x in posted.lines] == [
        ("L1", 5, 5, 5, 0), ("L3", 0, 2, 0, -2)]   # uncounted: posted, and shown, as zero
    # valued per item, not per lot: FIFO takes the oldest layer (L1's, at 2.00)
    assert inv.on_hand("LOT", lot="L3") == 0 and posted.value == D("-4.00")


def test_a_stored_line_without_its_frozen_figure_reads_as_frozen_at_expected() -> None:
    from backoffice_core.adapters.sql.inventory_mappers import count_row, row_to_count
    old = row_to_count(("c1", "WH", "2026-02-27", "full", "posted",
                        '[["WID", "WH", "", "3", "2.5"]]', "[]", "1.00", 1))
    [line] = old.lines
    assert (line.expected, line.counted, line.frozen) == (3, D("2.5"), 3)
    assert row_to_count(count_row(old, date.isoformat, str)) == old
