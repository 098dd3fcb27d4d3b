"""Findings of the twenty-second inventory hunt, one test each (memory and SQLite)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

import backoffice_core as bc
from backoffice_core.documents import Tax, line

CLOCK = datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_a_receipt_in_pieces_of_an_order_in_boxes_leaves_the_rest_on_order(
        each_store: bc.Backoffice) -> None:
    """The stock position counted what open purchase orders still bring as the order
    line's quantity less its receipts' quantities, each in its own line's unit: 3 boxes
    of 12 ordered and 1 piece received left "2" on order, read as 2 boxes (24 pieces)
    instead of 35 pieces. Both are now taken in the item's unit."""
    bo = each_store
    inv, docs = bo.inventory, bo.documents
    inv.create_unit("box12", "Box of 12", "count", 12)
    inv.set_reorder_rule("WID", "WH", reorder_point=40, max_quantity=100)
    supplier = docs.create_party("Parts Co", is_customer=False, is_supplier=True)
    order = docs.issue(docs.create("purchase_order", supplier.id, date(2026, 3, 2), [
        line("Widget", 3, "12.00", Tax.standard(20), unit="box12", item_id="WID")],
        dimensions={"location": "WH"}).id)
    [before] = inv.reorder_suggestions(on=date(2026, 3, 3))
    assert (before.incoming, before.position) == (Decimal(36), Decimal(36))
    draft = docs.convert(order.id, "goods_receipt", date=date(2026, 3, 3))
    one = attrs.evolve(draft.lines[0], quantity=Decimal(1), unit="H87", unit_price="1.00")
    docs.issue(docs.update(draft.id, version=draft.version, lines=[one]).id)
    assert inv.on_hand("WID") == 1
    [after] = inv.reorder_suggestions(on=date(2026, 3, 3))
    assert (after.on_hand, after.incoming, after.position) == (1, 35, 36)
    assert after.quantity == 64


def test_a_periodic_average_what_if_within_a_month_shows_what_such_books_hold(
        each_store: bc.Backoffice) -> None:
    """``valuation(method="periodic_average", as_of=day)`` replayed the history only up
    to ``day``, so its issues so far cost the average so far; a book kept at the
    periodic average shows on that day its issues at the *month's* average (a receipt
    later in the month re-values them on their own days). The what-if of a FIFO book
    now shows, on every day, what the same history booked at the periodic average holds."""
    kept = bc.Backoffice.open("memory://", clock=bc.FixedClock(CLOCK),
                              ids=bc.SequentialIds("y"))
    kept.ledger.setup("Twin Co", currency="USD", chart="generic")
    kept.ledger.add_fiscal_year(bc.FiscalYear.monthly("FY2026", date(2026, 1, 1)))
    kept.inventory.create_location("WH", "Main warehouse", kind="warehouse")
    for method, bo in (("fifo", each_store), ("periodic_average", kept)):
        inv = bo.inventory
        inv.create_item("FLR", "Flour", unit="kg", valuation=method)
        inv.receive("FLR", 10, location="WH", unit_cost="1.00", on=date(2026, 2, 2))
        inv.receive("FLR", 4, location="WH", unit_cost="2.00", on=date(2026, 1, 20))
        inv.deliver("FLR", 5, location="WH", on=date(2026, 2, 5))
        inv.deliver("FLR", 2, location="WH", on=date(2026, 2, 9))
        inv.receive("FLR", 10, location="WH", unit_cost="3.00", on=date(2026, 2, 20))
        inv.receive("FLR", 6, location="WH", unit_cost="5.00", on=date(2026, 3, 3))
    what_if, real = each_store.inventory, kept.inventory
    for day in (20, 31, 35, 40, 45, 59, 60):
        on = date(2026, 1, 1) + timedelta(days=day)
        shown = what_if.valuation(method="periodic_average", as_of=on).row("FLR")
        booked = real.valuation(as_of=on).row("FLR")
        assert (shown.quantity, shown.value) == (booked.quantity, booked.value), on
    assert real.valuation(as_of=date(2026, 2, 10)).row("FLR").value == Decimal("4.00")
    assert what_if.valuation(method="periodic_average").row("FLR").value == \
        real.valuation().row("FLR").value


def test_a_serial_number_counted_twice_is_refused_when_recorded(
        each_store: bc.Backoffice, refuses: Callable[..., Any]) -> None:
    """A count took 2 of one serial number and kept it; posting then failed with "this
    serial number is already in stock" naming the lot, although the error was the figure
    counted. ``record_count`` now refuses it, naming ``counted``, and changes nothing."""
    inv = each_store.inventory
    inv.receive("SER", 1, location="WH/A1", unit_cost="100.00", lot="S1", on=date(2026, 2, 2))
    count = inv.start_count("WH", skus=["SER"], on=date(2026, 2, 10))
    info = refuses(each_store, bc.ValidationError, inv.record_count, count.id, "SER", 2,
                   location="WH/A1", lot="S1")
    assert info.value.field == "counted"
    assert inv.count(count.id).lines[0].counted is None
    inv.record_count(count.id, "SER", 0, location="WH/A1", lot="S1")
    inv.record_count(count.id, "SER", 1, location="WH/A1", lot="S2")  # found
    posted = inv.post_count(count.id)
    assert [(x.lot, x.difference) for x in posted.lines] == [("S1", -1), ("S2", 1)]
    assert inv.on_hand("SER", lot="S2") == 1 and inv.reconcile().agrees
    with pytest.raises(bc.ValidationError):
        inv.record_count(inv.start_count("WH", skus=["SER"], on=date(2026, 2, 11)).id,
                         "SER", "1.5", location="WH/A1", lot="S2")


def _customer(bo: bc.Backoffice) -> str:
    return bo.documents.create_party("Cafe Blue", is_customer=True, is_supplier=False).id


def test_a_cancelled_delivery_note_takes_its_own_stock_back_at_its_cost(
        each_store: bc.Backoffice) -> None:
    """Cancelling an issued delivery note brought its goods in as a new, unpriced receipt
    from the customer: at the item's last known unit cost (not what they left with, so
    cost of goods sold kept the difference), into the line's location (not the bins they
    were picked from), and, for a lot-tracked item picked by FEFO, not at all (refused:
    "name the lot"). Each line's own moves now come back (returns of them), lot and bin
    as they left, at the cost they left with."""
    bo = each_store
    inv, docs = bo.inventory, bo.documents
    inv.receive("LOT", 3, location="WH/A1", unit_cost="1.00", lot="L1",
                expiry=date(2026, 5, 1), on=date(2026, 3, 2))
    inv.receive("LOT", 3, location="WH/Z/B1", unit_cost="2.00", lot="L2",
                expiry=date(2026, 4, 1), on=date(2026, 3, 2))
    inv.receive("WID", 10, location="WH/A1", unit_cost="1.00", on=date(2026, 3, 2))
    value = inv.value("LOT").amount + inv.value("WID").amount
    note = docs.issue(docs.create("delivery_note", _customer(bo), date(2026, 3, 3), [
        line("Yoghurt", 5, "4.00", Tax.standard(20), item_id="LOT"),
        line("Widget", 4, "3.00", Tax.standard(20), item_id="WID")],
        dimensions={"location": "WH"}).id)
    assert bo.ledger.balance("5100").amount == Decimal("11.00")  # L2 3 x 2 + L1 2 x 1 + 4
    inv.receive("WID", 10, location="WH/A1", unit_cost="5.00", on=date(2026, 3, 4))
    docs.cancel(note.id, reason="never left")
    assert bo.ledger.balance("5100").amount == 0
    assert inv.value("LOT").amount + inv.value("WID").amount == value + Decimal("50.00")
    assert (inv.on_hand("LOT", "WH/A1", lot="L1"), inv.on_hand("LOT", "WH/Z/B1", lot="L2")) \
        == (3, 3)
    assert inv.on_hand("WID", "WH/A1") == 20 and inv.on_hand("WID", "WH") == 20
    back = [m for m in inv.moves() if m.origin is not None]
    assert len(back) == 3 and all(m.kind.value == "return" for m in back)
    assert inv.reconcile().agrees and bo.ledger.verify().ok


def test_a_cancelled_negative_delivery_line_sends_its_stock_back_as_it_came(
        each_store: bc.Backoffice) -> None:
    """A delivery note's negative line (goods the customer brought back) cancelled was
    delivered again costed by the item's method; it now sends back the very stock the line
    took in, at the value it came in at, so the books are as before the line."""
    bo = each_store
    inv, docs = bo.inventory, bo.documents
    inv.receive("WID", 10, location="WH/A1", unit_cost="1.00", on=date(2026, 3, 2))
    returned = docs.issue(docs.create("delivery_note", _customer(bo), date(2026, 3, 3), [
        line("Widget", -2, "3.00", Tax.standard(20), item_id="WID")],
        dimensions={"location": "WH/Z/B1"}).id)
    assert inv.on_hand("WID", "WH/Z/B1") == 2
    came_in = bo.ledger.balance("5100").amount
    inv.receive("WID", 10, location="WH/A1", unit_cost="7.00", on=date(2026, 3, 1))
    docs.cancel(returned.id, reason="booked twice")
    assert bo.ledger.balance("5100").amount == 0 and came_in == Decimal("-2.00")
    assert inv.on_hand("WID", "WH/Z/B1") == 0 and inv.value("WID").amount == Decimal("80.00")
    assert inv.reconcile().agrees
